"""Property: no web form answers 500, whatever text its fields receive.

The forms are found on the real pages (each role's pages: program design and eligibility
rules, enrollment answers, the relationship page with its agreement, goals, meetings and
check-ins, surveys, the HRIS upload, filters of the people directory and the audit log,
tokens, reminders...). For each form, hypothesis fills every field with hostile text —
impossible dates, other date formats, huge numbers, broken JSON, NUL characters, long
text — or keeps the page's own value, submits it, and checks the answer is not a server
error (a refused form shows its errors; nothing may crash).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from mentorwise.relationships import inputs
from mentorwise.relationships.services.meetings import meeting_schedule
from mentorwise.relationships.services.pair import GoalFields, goal_create
from mentorwise.relationships.tests.factories import enrollment_of, started_relationship
from tests.fuzzing import FUZZ, texts

pytestmark = pytest.mark.django_db

# Forms whose submission ends the test's own session or its subject.
SKIPPED_ACTIONS = ("/logout/", "sign-out-everywhere", "/erase", "/revoke", "/close/")


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> candidate values
    files: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page, a.get("action") or self.page)
            self.forms.append(Form(action=action, method=(a.get("method") or "get").lower()))
            return
        if not self.forms or not a.get("name"):
            return
        form, name = self.forms[-1], a["name"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind == "file":
                form.files.append(name)
            elif kind not in ("submit", "button", "reset", "image"):
                form.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "textarea":
            form.fields.setdefault(name, [])
            self._textarea = name
        elif tag == "select":
            form.fields.setdefault(name, [])
            self._select = name
        elif tag == "option" and self._select:
            form.fields[self._select].append(a.get("value", ""))
        elif tag == "button" and a.get("value"):
            form.fields.setdefault(name, []).append(a["value"])

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1].fields[self._textarea].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(client: Client, url: str) -> list[Form]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _FormParser(url)
    parser.feed(response.content.decode())
    return [
        f
        for f in parser.forms
        if f.fields and f.action.startswith("/") and not any(s in f.action for s in SKIPPED_ACTIONS)
    ]


def fuzz_forms(client: Client, url: str) -> int:
    forms = forms_on(client, url)
    assert forms, f"no form found on {url}"
    for form in forms:
        _fuzz_form(client, form)
    return len(forms)


def _fuzz_form(client: Client, form: Form) -> None:
    @FUZZ
    @given(data=st.data())
    def submit(data: Any) -> None:
        values: dict[str, Any] = {}
        for name, candidates in form.fields.items():
            keep = st.sampled_from(candidates) if candidates else st.just("")
            values[name] = data.draw(st.one_of(keep, keep, texts), label=name)
        for name in form.files:
            content = data.draw(st.binary(max_size=300), label=name)
            values[name] = SimpleUploadedFile("upload.csv", content, "text/csv")
        if form.method == "post":
            response = client.post(form.action, values)
        else:
            response = client.get(form.action, values)
        assert response.status_code < 500, (form.action, values)

    submit()


@pytest.fixture
def world(hr_admin: Any, program: Any, mentee: Any, mentor: Any) -> dict[str, Any]:
    relationship = started_relationship(mentee, mentor)
    goal = goal_create(actor=mentee, relationship=relationship, fields=GoalFields(title="Lead"))
    meeting_schedule(
        actor=mentee,
        relationship=relationship,
        data=inputs.MeetingSchedule(
            starts_at=timezone.now() + dt.timedelta(days=2), location="Room 1"
        ),
    )
    return {
        "slug": program.slug,
        "relationship": relationship.pk,
        "goal": goal.pk,
        "enrollment": enrollment_of(mentee).pk,
        "mentee_person": mentee.person_id,
    }


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


HR_ADMIN_PAGES = [
    "/programs/templates/",
    "/programs/{slug}/edit/",
    "/programs/{slug}/",
    "/programs/skills/",
    "/people/import/",
    "/people/",
    "/audit/",
    "/training/new/",
    "/matching/programs/{slug}/",
    "/relationships/program/{slug}/",
    "/account/tokens/",
]
MENTEE_PAGES = [
    "/relationships/{relationship}/",
    "/programs/enrollments/{enrollment}/",
    "/reminders/",
    "/relationships/recognition/{mentee_person}/",
]


@pytest.mark.parametrize("page", HR_ADMIN_PAGES)
def test_hr_admin_forms_never_answer_500(world: dict[str, Any], hr_admin: Any, page: str) -> None:
    fuzz_forms(_client(hr_admin), page.format(**world))


@pytest.mark.parametrize("page", MENTEE_PAGES)
def test_mentee_forms_never_answer_500(world: dict[str, Any], mentee: Any, page: str) -> None:
    fuzz_forms(_client(mentee), page.format(**world))


def test_enrollment_form_never_answers_500(world: dict[str, Any], outsider: Any) -> None:
    from mentorwise.programs.models import Program

    Program.objects.filter(slug=world["slug"]).update(eligibility={})
    fuzz_forms(_client(outsider), "/programs/{slug}/enroll/mentee/".format(**world))


def test_a_nul_character_in_a_form_is_refused_with_400_on_every_engine(hr_admin: Any) -> None:
    from mentorwise.programs.models import Skill

    response = _client(hr_admin).post("/programs/skills/", {"name": "a\x00b", "category": ""})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert not Skill.objects.filter(name__startswith="a").exists()
    response = _client(hr_admin).get("/people/", {"q": "\x00"})
    assert response.status_code == 400
