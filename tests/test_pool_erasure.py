"""The matching pool a participant reads holds people's records: it never reaches the shared
cache (files on disk, which outlive an erasure), and after an erasure the process keeps no
copy of the erased person's record. Committed writes (transaction=True): the cache is live."""

from __future__ import annotations

from typing import Any

import pytest

from mentorwise.core import aggregates
from mentorwise.matches import problem
from mentorwise.matches.tests.test_marks_privacy import mentor_view, setup  # noqa: F401
from mentorwise.matches.tests.test_pool_cache import _fresh  # noqa: F401 - autouse: a live cache
from mentorwise.privacy.erasure import person_erase

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_pool_never_reaches_the_shared_cache_and_an_erasure_replaces_it(
    setup: Any,  # noqa: F811 - the imported fixture
    mentee: Any,
    mentor: Any,
    hr_admin: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pool holds people's records: the shared cache (files on disk, which outlive an
    erasure) never receives it, and after an erasure the process holds no copy of the
    erased person's record."""
    stored: list[Any] = []
    original_set = aggregates.cache.set

    def recording_set(key: str, value: Any, *args: Any, **kwargs: Any) -> Any:
        stored.append(value)
        return original_set(key, value, *args, **kwargs)

    monkeypatch.setattr(aggregates.cache, "set", recording_set)
    email = mentor.person.email
    assert "Marta" in mentor_view(mentee, setup)
    assert not any(
        isinstance(v, tuple) and v and isinstance(v[0], problem.ProgramPool) for v in stored
    )
    held = [value for _key, _expires, value in aggregates._process.values()]
    assert any(email in {e.person.email for e in pool.mentor_enrollments} for pool in held)
    person_erase(actor=hr_admin, person=mentor.person, confirm=mentor.person.employee_id)
    assert "Marta" not in mentor_view(mentee, setup)
    held = [value for _key, _expires, value in aggregates._process.values()]
    assert held and not any(
        email in {e.person.email for e in pool.mentor_enrollments} for pool in held
    )
