"""Training API over HTTP: modules without answers, attempts, completions, requirements."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from mentorwise.accounts.services import api_token_create
from mentorwise.learning.models import ModuleCompletion, ProgramTrainingRequirement, TrainingModule
from mentorwise.learning.tests.factories import ALL_RIGHT, make_module

pytestmark = pytest.mark.django_db


def token_client(user, scope: str = "admin") -> Client:
    _, raw = api_token_create(actor=user, name="test", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _require(program, *slugs: str) -> None:
    for slug in slugs:
        module = TrainingModule.objects.get(slug=slug)
        ProgramTrainingRequirement.objects.create(program=program, module=module)


def test_anonymous_gets_401() -> None:
    assert Client().get("/api/training/modules").status_code == 401


def test_list_modules_with_my_completion(mentor) -> None:
    module = make_module()
    token_client(mentor).post(
        "/api/training/modules/org-module/attempts",
        {"answers": ALL_RIGHT},
        content_type="application/json",
    )
    rows = {r["slug"]: r for r in token_client(mentor, "read").get("/api/training/modules").json()}
    assert rows["org-module"]["completed_at"] is not None
    assert rows["active-listening"]["completed_at"] is None
    assert rows["org-module"]["version"] == module.version


def test_read_module_gives_sanitised_html_and_no_answers(mentor) -> None:
    make_module("evil", body_markdown="<script>x()</script>[a](javascript:y())\n\n## Part")
    data = token_client(mentor, "read").get("/api/training/modules/evil").json()
    assert "<script" not in data["html"] and "javascript:" not in data["html"]
    assert "<h2>Part</h2>" in data["html"]
    dumped = json.dumps(data["questions"])
    assert "answer" not in dumped and "Explanation" not in dumped
    assert data["questions"][0]["choices"] == [
        {"key": "a", "text": "Right"},
        {"key": "b", "text": "Wrong"},
    ]


def test_inactive_module_is_404_for_participants(mentor) -> None:
    make_module("old", is_active=False)
    response = token_client(mentor, "read").get("/api/training/modules/old")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_failed_attempt_explains_wrong_answers_and_records_nothing(mentor) -> None:
    make_module()
    response = token_client(mentor).post(
        "/api/training/modules/org-module/attempts",
        {"answers": {**ALL_RIGHT, "q1": "b", "q2": "b"}},
        content_type="application/json",
    )
    data = response.json()
    assert response.status_code == 200 and not data["passed"] and data["score"] == 60
    assert data["results"][0] == {
        "id": "q1",
        "correct": False,
        "given": "b",
        "explanation": "Explanation 1.",
    }
    assert data["results"][2]["explanation"] is None
    assert not ModuleCompletion.objects.exists()


def test_passed_attempt_shows_in_my_completions(mentor, mentee) -> None:
    make_module()
    data = (
        token_client(mentor)
        .post(
            "/api/training/modules/org-module/attempts",
            {"answers": ALL_RIGHT},
            content_type="application/json",
        )
        .json()
    )
    assert data["passed"] and data["completed_at"]
    mine = token_client(mentor, "read").get("/api/training/completions").json()
    assert [(c["module"], c["score"]) for c in mine] == [("org-module", 100)]
    assert token_client(mentee, "read").get("/api/training/completions").json() == []


def test_read_only_token_cannot_attempt(mentor) -> None:
    make_module()
    response = token_client(mentor, "read").post(
        "/api/training/modules/org-module/attempts",
        {"answers": ALL_RIGHT},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_participants_read_requirements_with_their_progress(program, mentor) -> None:
    _require(program, "active-listening", "reverse-mentoring")
    data = token_client(mentor, "read").get("/api/training/programs/leadership-2026/requirements")
    body = data.json()
    assert body["program"] == "leadership-2026"
    assert [m["module"] for m in body["modules"]] == ["active-listening", "reverse-mentoring"]
    assert all(m["completed_at"] is None for m in body["modules"])


@pytest.mark.parametrize("role", ["outsider", "other_manager", "sponsor"])
def test_non_participants_get_404_on_requirements(program, role, request) -> None:
    client = token_client(request.getfixturevalue(role), "read")
    assert client.get("/api/training/programs/leadership-2026/requirements").status_code == 404


def test_manager_sets_requirements(program, program_manager) -> None:
    listening = TrainingModule.objects.get(slug="active-listening")
    response = token_client(program_manager).put(
        "/api/training/programs/leadership-2026/requirements",
        {"module_ids": [listening.pk]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [m["module"] for m in response.json()["modules"]] == ["active-listening"]


@pytest.mark.parametrize(
    ("role", "status"), [("mentee", 404), ("mentor", 404), ("other_manager", 404)]
)
def test_others_cannot_set_requirements(program, role, status, request) -> None:
    listening = TrainingModule.objects.get(slug="active-listening")
    response = token_client(request.getfixturevalue(role)).put(
        "/api/training/programs/leadership-2026/requirements",
        {"module_ids": [listening.pk]},
        content_type="application/json",
    )
    assert response.status_code == status
    assert not ProgramTrainingRequirement.objects.exists()


def test_unknown_module_id_is_422_naming_it(program, program_manager) -> None:
    response = token_client(program_manager).put(
        "/api/training/programs/leadership-2026/requirements",
        {"module_ids": [424242]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["value"] == "424242"


MODULE = {
    "title": "Our charter",
    "body_markdown": "# Charter",
    "audience": ["mentor"],
    "minutes": 5,
    "questions": [
        {"text": "Q?", "choices": ["Yes", "No"], "answer": "a", "explanation": "Because."}
    ],
}


def test_hr_admin_creates_and_updates_a_module(hr_admin) -> None:
    client = token_client(hr_admin)
    created = client.post("/api/training/modules", MODULE, content_type="application/json")
    assert created.status_code == 201 and created.json()["slug"] == "our-charter"
    updated = client.put(
        "/api/training/modules/our-charter",
        {**MODULE, "body_markdown": "# Charter v2"},
        content_type="application/json",
    )
    assert updated.status_code == 200 and updated.json()["version"] == 2


def test_participants_cannot_create_or_edit_modules(mentor) -> None:
    make_module()
    client = token_client(mentor)
    created = client.post("/api/training/modules", MODULE, content_type="application/json")
    assert created.status_code == 403
    edited = client.put("/api/training/modules/org-module", MODULE, content_type="application/json")
    assert edited.status_code == 404
    assert not TrainingModule.objects.filter(slug="our-charter").exists()


def test_builtin_modules_cannot_be_edited_over_the_api(hr_admin) -> None:
    response = token_client(hr_admin).put(
        "/api/training/modules/active-listening", MODULE, content_type="application/json"
    )
    assert response.status_code == 404


def test_every_training_operation_documents_its_errors(hr_admin) -> None:
    schema = token_client(hr_admin, "read").get("/api/openapi.json").json()
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        if path.startswith("/api/training")
        for method, op in item.items()
    ]
    assert len(operations) == 8
    for path, method, op in operations:
        assert {"401", "403", "404", "422"} <= set(op["responses"]), (path, method)
        assert op.get("summary") and op.get("tags") == ["training"], (path, method)
