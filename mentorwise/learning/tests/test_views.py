"""Training pages: catalogue, knowledge check, authoring, program requirements, sanitising."""

from __future__ import annotations

import pytest
from django.test import Client

from mentorwise.learning.models import ModuleCompletion, ProgramTrainingRequirement, TrainingModule
from mentorwise.learning.tests.factories import ALL_RIGHT, make_completion, make_module
from mentorwise.programs.models import Program

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# role × page × method → status. 404 means "missing" and "not yours" alike.
PERMISSIONS = [
    ("mentee", "get", "/training/", 200),
    ("mentee", "get", "/training/active-listening/", 200),
    ("mentee", "get", "/training/new/", 404),
    ("mentee", "post", "/training/new/", 404),
    ("mentee", "get", "/training/org-module/edit/", 404),
    ("mentee", "post", "/training/org-module/edit/", 404),
    ("mentee", "get", "/training/programs/leadership-2026/requirements/", 404),
    ("mentee", "post", "/training/programs/leadership-2026/requirements/", 404),
    ("mentor", "get", "/training/programs/leadership-2026/requirements/", 404),
    ("outsider", "get", "/training/hidden-module/", 404),
    ("other_manager", "get", "/training/programs/leadership-2026/requirements/", 404),
    ("other_manager", "post", "/training/programs/leadership-2026/requirements/", 404),
    ("other_manager", "get", "/training/programs/buddies/requirements/", 200),
    ("program_manager", "get", "/training/programs/leadership-2026/requirements/", 200),
    ("program_manager", "get", "/training/new/", 404),
    ("hr_admin", "get", "/training/new/", 200),
    ("hr_admin", "get", "/training/org-module/edit/", 200),
    ("hr_admin", "get", "/training/active-listening/edit/", 404),
    ("hr_admin", "get", "/training/hidden-module/", 200),
    ("hr_admin", "get", "/training/programs/leadership-2026/requirements/", 200),
]


@pytest.mark.parametrize(("role", "method", "path", "status"), PERMISSIONS)
def test_page_permissions(role, method, path, status, request, program, other_program) -> None:
    make_module("org-module")
    make_module("hidden-module", is_active=False)
    client = client_for(request.getfixturevalue(role))
    assert getattr(client, method)(path).status_code == status


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get("/training/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_catalogue_shows_my_status_and_my_programs_requirements(program, mentor) -> None:
    program.mentor_training_required = True
    program.save(update_fields=["mentor_training_required"])
    listening = TrainingModule.objects.get(slug="active-listening")
    grow = TrainingModule.objects.get(slug="developmental-conversations")
    for module in (listening, grow):
        ProgramTrainingRequirement.objects.create(program=program, module=module)
    make_completion(mentor.person, listening)
    page = client_for(mentor).get("/training/").content.decode()
    assert "Leadership 2026" in page and "1 of 2 done" in page
    assert "Reverse mentoring" in page and "completed" in page
    assert "Programs I manage" not in page


def test_manager_sees_links_to_requirement_pages_of_own_programs_only(
    program, other_program, program_manager
) -> None:
    page = client_for(program_manager).get("/training/").content.decode()
    assert "/training/programs/leadership-2026/requirements/" in page
    assert "/training/programs/buddies/requirements/" not in page


def test_module_page_renders_markdown_and_hides_answers(mentor) -> None:
    page = client_for(mentor).get("/training/active-listening/").content.decode()
    assert "<h2>Three levels of listening</h2>" in page
    module = TrainingModule.objects.get(slug="active-listening")
    assert module.questions[0]["explanation"] not in page


def test_passing_the_check_on_the_page_records_completion(mentor) -> None:
    make_module()
    form = {f"q-{k}": v for k, v in ALL_RIGHT.items()}
    page = client_for(mentor).post("/training/org-module/", form).content.decode()
    assert "You passed with 100%" in page
    assert ModuleCompletion.objects.filter(person=mentor.person).count() == 1


def test_failing_shows_what_was_wrong_and_why(mentor) -> None:
    make_module()
    form = {f"q-{k}": v for k, v in ALL_RIGHT.items()} | {"q-q3": "b", "q-q4": "b"}
    page = client_for(mentor).post("/training/org-module/", form).content.decode()
    assert "3 of 5 correct" in page and "Try again" in page
    assert "Explanation 3." in page and "Explanation 4." in page
    assert "Explanation 1." not in page
    assert not ModuleCompletion.objects.exists()


def test_hr_admin_adds_a_module_with_questions_in_text_form(hr_admin) -> None:
    response = client_for(hr_admin).post(
        "/training/new/",
        {
            "title": "Our mentoring charter",
            "summary": "What we expect.",
            "audience": ["mentor", "sponsor"],
            "minutes": "8",
            "body_markdown": "# Charter\n\nWe meet monthly.",
            "questions_text": "Q: How often do we meet?\n- Weekly\n* Monthly\n> The charter says.",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    module = TrainingModule.objects.get(slug="our-mentoring-charter")
    assert module.questions[0]["answer"] == "b" and module.audience == ["mentor", "sponsor"]


def test_module_form_shows_question_errors_and_saves_nothing(hr_admin) -> None:
    count = TrainingModule.objects.count()
    page = client_for(hr_admin).post(
        "/training/new/",
        {
            "title": "Charter",
            "audience": ["mentor"],
            "minutes": "8",
            "body_markdown": "Text",
            "questions_text": "Q: How often?\n- Weekly\n- Monthly",
        },
    )
    text = page.content.decode()
    assert "Question 1: mark exactly one choice with" in text
    assert "Question 1: add a one-line explanation" in text
    assert TrainingModule.objects.count() == count


def test_hr_admin_edits_own_module(hr_admin) -> None:
    module = make_module(title="Old title")
    client = client_for(hr_admin)
    form = client.get("/training/org-module/edit/").context["form"]
    unchanged = {**form.initial, "is_active": "on"}
    assert client.post("/training/org-module/edit/", unchanged).status_code == 302
    module.refresh_from_db()
    assert module.version == 1  # the questions survive the round trip through the text form
    client.post("/training/org-module/edit/", {**unchanged, "title": "New title"})
    module.refresh_from_db()
    assert module.title == "New title" and module.version == 2


def test_manager_chooses_required_modules(program, program_manager) -> None:
    listening = TrainingModule.objects.get(slug="active-listening")
    response = client_for(program_manager).post(
        "/training/programs/leadership-2026/requirements/", {"modules": [listening.pk]}
    )
    assert response.status_code == 302
    program = Program.objects.get(slug="leadership-2026")
    assert [r.module for r in program.training_requirements.all()] == [listening]


def test_other_manager_posting_requirements_changes_nothing(program, other_manager) -> None:
    listening = TrainingModule.objects.get(slug="active-listening")
    client_for(other_manager).post(
        "/training/programs/leadership-2026/requirements/", {"modules": [listening.pk]}
    )
    assert not ProgramTrainingRequirement.objects.exists()


MALICIOUS = """# Title

<script>alert("x")</script>

[click me](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)" onclick="steal()">also</a>

<img src="x" onerror="alert(3)"> <iframe src="https://evil.example"></iframe>

<p style="position:fixed" onmouseover="alert(4)">hover</p> [fine](https://example.com)
"""


def test_markdown_with_scripts_and_javascript_links_renders_inert(mentor) -> None:
    make_module("evil", body_markdown=MALICIOUS)
    page = client_for(mentor).get("/training/evil/").content.decode()
    article = page.split('<article class="card prose"', 1)[1]
    body = article.split(">", 1)[1].split("</article>", 1)[0]
    for needle in ("<script", "javascript:", "JaVaScRiPt", "onclick", "onerror", "onmouseover"):
        assert needle not in body
    assert "<iframe" not in body and "style=" not in body
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">fine</a>' in body
    assert "<h1>Title</h1>" in body


def test_catalogue_query_count_does_not_grow_with_programs(
    program, other_program, mentor, django_assert_max_num_queries
) -> None:
    from mentorwise.programs.models import Enrollment

    for p in (program, other_program):
        for slug in ("active-listening", "reverse-mentoring"):
            module = TrainingModule.objects.get(slug=slug)
            ProgramTrainingRequirement.objects.get_or_create(program=p, module=module)
    Enrollment.objects.create(program=other_program, person=mentor.person, role="mentor")
    client = client_for(mentor)
    with django_assert_max_num_queries(10):
        page = client.get("/training/").content.decode()
    assert "Buddies" in page and "Leadership 2026" in page
