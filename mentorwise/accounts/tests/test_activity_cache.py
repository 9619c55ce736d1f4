"""Activity bookkeeping on a login (a sign-in, "last active") keeps the aggregate cache."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import update_last_login
from django.db import connection

from conftest import make_person, make_user
from mentorwise.accounts.models import User
from mentorwise.accounts.services import user_activity_record
from mentorwise.core.aggregates import invalidate_aggregates

pytestmark = pytest.mark.django_db


def _bumps() -> int:
    return sum(1 for entry in connection.run_on_commit if entry[1] is invalidate_aggregates)


def test_activity_bookkeeping_asks_for_nothing_but_any_other_column_does() -> None:
    user = make_user(make_person())
    connection.run_on_commit.clear()
    update_last_login(None, user)  # a sign-in
    user_activity_record(user=user)  # "last active"
    assert _bumps() == 0
    User.objects.filter(pk=user.pk).update(last_login=None, is_executive=True)
    assert _bumps() == 1
