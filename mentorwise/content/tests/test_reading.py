"""People read a program's, survey's and module's texts in their language; what they answer
is stored the same whatever language they read it in."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils import translation
from django.utils.html import escape

from conftest import page_client
from mentorwise.accounts.models import User
from mentorwise.content.access import access_target
from mentorwise.content.services import translations_save
from mentorwise.learning.models import ModuleCompletion, TrainingModule
from mentorwise.programs.models import Enrollment, Program
from mentorwise.relationships.inputs import Closure
from mentorwise.relationships.models import Relationship, SurveyResponse
from mentorwise.relationships.services import relationship_close
from mentorwise.relationships.services.pair import DEFAULT_CONFIDENTIALITY, agreement_from_program

pytestmark = pytest.mark.django_db


def _french(user: User) -> User:
    user.language = "fr"
    user.save(update_fields=["language"])
    return user


def _translate(kind: str, slug: str, language: str, texts: dict[str, str]) -> None:
    target = access_target(actor=None, kind=kind, slug=slug)
    translations_save(actor=None, target=target, language=language, texts=texts)


def test_the_enrollment_form_asks_in_french_and_stores_the_programs_own_choice(
    program: Program, skills: list[Any], outsider: User
) -> None:
    _translate(
        "program",
        program.slug,
        "fr",
        {
            "program/enrollment_questions.why.label": "Pourquoi voulez-vous participer ?",
            "program/enrollment_questions.commitment.choices.0": "Oui",
            "program/responsibilities.mentee": "Prenez la relation en main.",
        },
    )
    questions = [*program.enrollment_questions, {"key": "team", "label": "Which team?"}]
    Program.objects.filter(pk=program.pk).update(enrollment_questions=questions)
    outsider.person.is_high_potential = True
    outsider.person.save()
    client = page_client(_french(outsider))
    form = client.get("/programs/leadership-2026/enroll/mentee/").content.decode()
    assert "Pourquoi voulez-vous participer ?" in form
    assert '<option value="Yes">Oui</option>' in form
    assert "Prenez la relation en main." in form
    # A question nobody translated stays in the program's language, marked as such.
    assert '<div lang="en">' in form and "Which team?" in form
    response = client.post(
        "/programs/leadership-2026/enroll/mentee/",
        {
            "development_goals": "Diriger une équipe",
            "skills_wanted": [skills[0].pk],
            "function_preference": "different",
            "q_why": "Grandir",
            "q_commitment": "Yes",
            "acknowledged": "on",
        },
    )
    assert response.status_code == 302
    assert Enrollment.objects.get(person=outsider.person).answers["commitment"] == "Yes"


def test_the_survey_asks_in_french_and_stores_answers_by_question(
    relationship: Relationship, mentee: User
) -> None:
    _translate(
        "program",
        relationship.program.slug,
        "fr",
        {"survey-midpoint/questions.satisfaction.label": "Êtes-vous satisfait de la relation ?"},
    )
    client = page_client(_french(mentee))
    url = f"/relationships/{relationship.pk}/surveys/midpoint/"
    page = client.get(url).content.decode()
    assert "Êtes-vous satisfait de la relation ?" in page
    answers = {"satisfaction": "4", "recommend": "9", "goal_attainment": "3", "growth": "4"}
    assert client.post(url, answers).status_code == 302
    assert SurveyResponse.objects.get(relationship=relationship).answers["satisfaction"] == 4


def test_a_built_in_module_reads_and_grades_in_every_shipped_language(mentor: User) -> None:
    module = TrainingModule.objects.get(slug="what-is-mentoring")
    client = page_client(_french(mentor))
    page = client.get("/training/what-is-mentoring/").content.decode()
    with translation.override("fr"):
        title = module.display_title
    assert title.translated and escape(title) in page  # shipped with Mentorwise (PO files)
    answers = {f"q-{q['id']}": q["answer"] for q in module.questions}
    result = client.post("/training/what-is-mentoring/", answers).content.decode()
    assert ModuleCompletion.objects.filter(module=module, person=mentor.person).exists()
    with translation.override("fr"):
        explanation = module.reader_questions[0]["explanation"]
    assert (explanation.translated and str(explanation) in result) or "flash-success" in result
    for language in ("de", "es", "ja", "ar"):
        with translation.override(language):
            assert module.display_title.translated, language
            assert all(q["text"].translated for q in module.reader_questions), language


def test_e_mails_name_the_program_in_each_recipients_language(
    relationship: Relationship, mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    _translate("program", relationship.program.slug, "fr", {"program/name": "Leadership (FR)"})
    _french(mentee)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        relationship_close(
            actor=mentee, relationship=relationship, data=Closure(kind="early", reason="Temps")
        )
    subjects = sorted(m.subject for m in mail.outbox)
    assert any("Leadership (FR)" in s for s in subjects)  # Ana reads French
    assert any("Leadership 2026" in s for s in subjects)  # Marta reads English


def test_an_agreement_starts_in_the_language_both_read_else_the_programs(
    relationship: Relationship, mentee: User, mentor: User
) -> None:
    _translate(
        "program",
        relationship.program.slug,
        "fr",
        {
            "program/objectives": "Préparer\nÉlargir\nRetenir",
            "program/responsibilities.mentee": "M",
        },
    )
    _french(mentee)
    relationship = Relationship.objects.get(pk=relationship.pk)
    mixed = agreement_from_program(relationship=relationship)
    assert mixed.language == "en" and "Préparer" not in mixed.program_objectives
    _french(mentor)
    relationship = Relationship.objects.get(pk=relationship.pk)
    both = agreement_from_program(relationship=relationship)
    assert both.language == "fr"
    assert both.program_objectives == "Préparer\nÉlargir\nRetenir"
    assert both.mentee_responsibilities == "M"
    # The confidentiality clause is the product's own, in the catalogs' French.
    with translation.override("fr"):
        assert both.confidentiality == str(DEFAULT_CONFIDENTIALITY)
    assert both.confidentiality != mixed.confidentiality
