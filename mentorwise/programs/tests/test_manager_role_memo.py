"""`manages_any_program` is asked of the database once per page, and still answers the
truth: on the next request after a change, and within a request after the actor's own."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import make_person, make_user
from mentorwise.accounts.backends import session_user
from mentorwise.accounts.models import User
from mentorwise.programs import roles
from mentorwise.programs.models import Program, ProgramStatus
from mentorwise.programs.roles import manages_any_program
from mentorwise.programs.services import program_managers_set

pytestmark = pytest.mark.django_db


class _Counted:
    """The role's compiled query, counting how often it is run."""

    def __init__(self, query: Any) -> None:
        self.query, self.runs = query, 0

    def all(self, *args: Any) -> Any:
        self.runs += 1
        return self.query.all(*args)


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("manager", [False, True])
def test_a_page_asks_whether_its_login_manages_once(
    manager: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(make_person())
    program = Program.objects.create(slug="p", name="P", status=ProgramStatus.ACTIVE)
    if manager:
        program.managers.add(user)
    client = Client()
    client.force_login(user)
    counted = _Counted(roles._ONE_MANAGED)
    monkeypatch.setattr(roles, "_ONE_MANAGED", counted)
    for url in ("/", "/relationships/", "/programs/", "/insights/" if manager else "/training/"):
        before = counted.runs
        _page(client, url)
        # The navigation, the insights links and the oversight panel all ask (3 runs on the
        # home page before the memo).
        assert counted.runs - before == 1, (url, manager, counted.runs - before)


def test_the_next_request_sees_a_change_of_managers() -> None:
    user = make_user(make_person())
    program = Program.objects.create(slug="p", name="P", status=ProgramStatus.ACTIVE)
    client = Client()
    client.force_login(user)
    assert 'href="/people/"' not in _page(client, "/")  # for HR admins and managers only
    program.managers.add(user)
    assert 'href="/people/"' in _page(client, "/")
    assert client.get("/people/").status_code == 200
    assert client.get(f"/insights/programs/{program.slug}/").status_code == 200
    program.managers.remove(user)
    assert 'href="/people/"' not in _page(client, "/")
    # Not only the link: the directory and the program's insights are refused again.
    assert client.get("/people/").status_code in (403, 404)
    assert client.get(f"/insights/programs/{program.slug}/").status_code in (403, 404)


def test_naming_oneself_a_manager_is_seen_within_the_request() -> None:
    admin = make_user(make_person(email="hr@example.com"), is_hr_admin=True)
    program = Program.objects.create(slug="p", name="P", status=ProgramStatus.ACTIVE)
    actor = session_user(admin.pk)  # as the request's login, with its memo
    assert actor is not None
    assert manages_any_program(actor) is False
    program_managers_set(actor=actor, program=program, emails=["hr@example.com"])
    assert manages_any_program(actor) is True
    program_managers_set(actor=actor, program=program, emails=[])
    assert manages_any_program(actor) is False


def test_a_login_not_loaded_for_a_request_is_asked_each_time() -> None:
    user = make_user(make_person())
    program = Program.objects.create(slug="p", name="P", status=ProgramStatus.ACTIVE)
    assert manages_any_program(user) is False
    program.managers.add(user)
    assert manages_any_program(user) is True
    assert manages_any_program(User.objects.get(pk=user.pk)) is True
