"""Program pages: what each role gets, and the denied paths (404, never another's data)."""

from __future__ import annotations

import pytest
from django.test import Client

from mentorwise.core.models import AuditEntry
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_is_sent_to_login(program) -> None:
    response = Client().get("/programs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_participant_sees_published_programs_not_drafts(program, hr_admin, outsider) -> None:
    from mentorwise.programs.services import program_create_from_template

    draft = program_create_from_template(
        actor=hr_admin, template_key="flash_mentoring", name="Secret draft"
    )
    page = client_for(outsider).get("/programs/").content.decode()
    assert "Leadership 2026" in page and "Secret draft" not in page
    assert client_for(outsider).get(f"/programs/{draft.slug}/").status_code == 404


def test_program_page_shows_objectives_and_why_one_cannot_join(program, outsider) -> None:
    page = client_for(outsider).get("/programs/leadership-2026/").content.decode()
    assert "Prepare high-potential employees" in page
    assert "identified as high potential" in page


@pytest.mark.parametrize("path", ["edit/", "participants/"])
def test_management_pages_are_404_for_participants_and_other_managers(
    program, mentee, other_manager, path
) -> None:
    assert client_for(mentee).get(f"/programs/leadership-2026/{path}").status_code == 404
    assert client_for(other_manager).get(f"/programs/leadership-2026/{path}").status_code == 404


def test_manager_sees_participants(program_manager, mentee, other_mentee) -> None:
    page = (
        client_for(program_manager).get("/programs/leadership-2026/participants/").content.decode()
    )
    assert "Ana Mentee" in page and "Omar Mentee" in page


def test_participants_htmx_filter_returns_rows_only(program_manager, mentee, other_mentee) -> None:
    response = client_for(program_manager).get(
        "/programs/leadership-2026/participants/?q=Omar", HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body and "Omar Mentee" in body and "Ana Mentee" not in body


def test_enroll_through_the_page(program, skills, outsider) -> None:
    outsider.person.is_high_potential = True
    outsider.person.save()
    client = client_for(outsider)
    form = client.get("/programs/leadership-2026/enroll/mentee/").content.decode()
    assert "Own the relationship" in form  # the role's responsibilities are shown
    response = client.post(
        "/programs/leadership-2026/enroll/mentee/",
        {
            "development_goals": "Lead a team",
            "skills_wanted": [skills[0].pk],
            "function_preference": "different",
            "q_why": "Grow",
            "q_commitment": "Yes",
            "acknowledged": "on",
        },
    )
    assert response.status_code == 302
    assert Enrollment.objects.get(person=outsider.person).status == EnrollmentStatus.ACTIVE


def test_enroll_page_shows_every_error_and_writes_nothing(program, skills, outsider) -> None:
    outsider.person.is_high_potential = True
    outsider.person.save()
    response = client_for(outsider).post(
        "/programs/leadership-2026/enroll/mentee/", {"function_preference": "any"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Pick at least one skill" in body and "accept your role" in body
    assert not Enrollment.objects.filter(person=outsider.person).exists()


def test_mentee_cannot_open_other_mentees_enrollment(mentee, other_mentee) -> None:
    theirs = Enrollment.objects.get(person=other_mentee.person)
    response = client_for(mentee).get(f"/programs/enrollments/{theirs.pk}/")
    assert response.status_code == 404
    assert "Omar" not in response.content.decode()


def test_mentee_cannot_withdraw_other_mentee(mentee, other_mentee) -> None:
    theirs = Enrollment.objects.get(person=other_mentee.person)
    assert (
        client_for(mentee).post(f"/programs/enrollments/{theirs.pk}/withdraw/").status_code == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == EnrollmentStatus.ACTIVE


def test_state_changes_refuse_get(mentee) -> None:
    mine = Enrollment.objects.get(person=mentee.person)
    assert client_for(mentee).get(f"/programs/enrollments/{mine.pk}/withdraw/").status_code == 405


def test_edit_program_and_live_eligibility_preview(program, program_manager) -> None:
    client = client_for(program_manager)
    assert client.get("/programs/leadership-2026/edit/").status_code == 200
    response = client.post(
        "/programs/leadership-2026/eligibility-preview/",
        {
            "elig__mentee__level_min": "1",
            "elig__mentee__high_potential": "",
            "elig__mentor__level_min": "9",
        },
    )
    assert response.status_code == 200
    assert "eligible mentees" in response.content.decode()
    assert Program.objects.get(pk=program.pk).eligibility["mentee"]["high_potential"] is True


def test_templates_and_skills_pages_are_for_hr_admins(program_manager, hr_admin) -> None:
    assert client_for(program_manager).get("/programs/templates/").status_code == 404
    assert client_for(program_manager).get("/programs/skills/").status_code == 404
    assert client_for(hr_admin).get("/programs/templates/").status_code == 200


def test_hr_admin_creates_program_from_template_page(hr_admin) -> None:
    response = client_for(hr_admin).post(
        "/programs/new/", {"template": "reverse_mentoring", "name": "Reverse 2027"}
    )
    assert response.status_code == 302
    assert Program.objects.get(slug="reverse-2027").kind == "reverse_mentoring"


def test_participant_cannot_create_programs(outsider) -> None:
    assert (
        client_for(outsider).post("/programs/new/", {"template": "reverse_mentoring"}).status_code
        == 404
    )
    assert not Program.objects.exists()


def test_hr_admin_sets_program_managers_by_email(
    program, hr_admin, other_manager, program_manager
) -> None:
    client = client_for(hr_admin)
    bad = client.post("/programs/leadership-2026/managers/", {"managers": "nobody@example.com"})
    assert bad.status_code == 302
    assert list(program.managers.all()) == [program_manager]  # nothing changed
    client.post(
        "/programs/leadership-2026/managers/",
        {"managers": f"{other_manager.person.email}\n{program_manager.person.email}"},
    )
    assert set(program.managers.all()) == {other_manager, program_manager}
    page = client.get("/programs/leadership-2026/").content.decode()
    assert "Program managers" in page and other_manager.person.full_name in page


def test_only_hr_admins_set_program_managers(program, program_manager, outsider) -> None:
    for user in (program_manager, outsider):
        response = client_for(user).post(
            "/programs/leadership-2026/managers/", {"managers": outsider.person.email}
        )
        assert response.status_code == 404
    assert list(program.managers.all()) == [program_manager]


def test_withdraw_asks_first_and_says_what_will_happen(mentee) -> None:
    mine = Enrollment.objects.get(person=mentee.person)
    client = client_for(mentee)
    url = f"/programs/enrollments/{mine.pk}/withdraw/"
    ask = client.post(url, {"reason": "No time"})
    page = ask.content.decode()
    assert ask.status_code == 200 and "What will happen" in page
    # The reason is asked on the confirmation page (optional), kept from the first post.
    assert 'name="confirmed" value="yes"' in page
    assert '<label for="confirm-reason">Why are you leaving? (optional)</label>' in page
    assert 'name="reason" rows="3" maxlength="500">No time</textarea>' in page
    mine.refresh_from_db()
    assert mine.status == EnrollmentStatus.ACTIVE
    client.post(url, {"reason": "  No time  ", "confirmed": "yes"})
    mine.refresh_from_db()
    assert mine.status == EnrollmentStatus.WITHDRAWN
    entry = AuditEntry.objects.get(action="enrollment.withdrawn")
    assert entry.data == {"reason": "No time"}


def test_withdraw_refuses_an_over_long_reason_on_page_and_api(mentee) -> None:
    mine = Enrollment.objects.get(person=mentee.person)
    client = client_for(mentee)
    page = client.post(
        f"/programs/enrollments/{mine.pk}/withdraw/",
        {"reason": "x" * 501, "confirmed": "yes"},
        follow=True,
    )
    assert "Reason: must be at most 500 characters" in page.content.decode()
    api = client.post(
        f"/api/enrollments/{mine.pk}/withdraw",
        {"reason": "x" * 501},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert [e["field"] for e in api.json()["errors"]] == ["reason"]
    # The body, when there is one, is JSON like every body of the API: a form-encoded one
    # is refused by name, and nothing is withdrawn.
    form = client.post(f"/api/enrollments/{mine.pk}/withdraw", {"reason": "No time"})
    assert form.status_code == 422 and form.json()["errors"][0]["field"] == "body"
    mine.refresh_from_db()
    assert mine.status == EnrollmentStatus.ACTIVE
    # Without a body the API withdraws, as before.
    assert (
        client.post(
            f"/api/enrollments/{mine.pk}/withdraw", content_type="application/json"
        ).status_code
        == 200
    )
    mine.refresh_from_db()
    assert mine.status == EnrollmentStatus.WITHDRAWN
