"""Program health page, CSV and API: same figures everywhere, managers and HR admins only."""

from __future__ import annotations

import csv
import io

import pytest

from conftest import api_client, page_client
from mentorwise.insights.figures import health_figures
from mentorwise.insights.health import program_health

pytestmark = pytest.mark.django_db


def test_manager_sees_the_health_page_with_charts_and_tables(
    program, program_manager, mentee
) -> None:
    response = page_client(program_manager).get(f"/insights/programs/{program.slug}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<svg") >= 2 and "<script type" not in body.split("<svg", 1)[1]
    assert "Enrolled mentees" in body and "Agreements confirmed by both" in body


@pytest.mark.parametrize("who", ["mentee", "mentor", "other_manager", "outsider"])
def test_health_is_404_for_everyone_else(program, program_manager, request, who) -> None:
    user = request.getfixturevalue(who)
    assert page_client(user).get(f"/insights/programs/{program.slug}/").status_code == 404
    assert page_client(user).get(f"/insights/programs/{program.slug}/health.csv").status_code == 404
    assert api_client(user).get(f"/api/insights/programs/{program.slug}/health").status_code == 404


def test_csv_and_api_carry_the_same_figures_as_the_selector(
    program, program_manager, mentee, other_mentee
) -> None:
    expected = {f.label: f.value for f in health_figures(program_health(program=program))}
    csv_body = page_client(program_manager).get(f"/insights/programs/{program.slug}/health.csv")
    assert csv_body["Content-Type"].startswith("text/csv")
    rows = {
        r["figure"]: r["value"]
        for r in csv.DictReader(io.StringIO(csv_body.content.decode()))
        if r["section"] != "check_in_trend"
    }
    assert rows["Enrolled mentees"] == str(expected["Enrolled mentees"]) == "2"
    api = api_client(program_manager).get(f"/api/insights/programs/{program.slug}/health").json()
    by_key = {f["key"]: f["value"] for f in api["figures"]}
    assert by_key["enrolled"] == 2.0
    assert len(api["figures"]) == len(expected)


def test_overview_lists_only_managed_programs(
    program, other_program, program_manager, hr_admin, mentee
) -> None:
    mine = api_client(program_manager).get("/api/insights/programs").json()
    assert [row["program"] for row in mine] == [program.slug]
    everyone = {row["program"] for row in api_client(hr_admin).get("/api/insights/programs").json()}
    assert {program.slug, other_program.slug} <= everyone
    assert api_client(mentee).get("/api/insights/programs").status_code == 404
    assert page_client(mentee).get("/insights/").status_code == 404
    assert program.name in page_client(program_manager).get("/insights/").content.decode()


def _names(viewer, *users) -> list[str]:
    """Everyone's name but the viewer's own (the page header shows who is signed in)."""
    from mentorwise.people.models import Person

    people = Person.objects.exclude(pk=viewer.person_id)
    return [p.full_name for p in people] + [u.get_username() for u in users]


def test_executive_reads_aggregates_of_every_program_and_never_a_name(
    program, other_program, program_manager, executive, mentee, other_mentee, mentor
) -> None:
    client = page_client(executive)
    pages = [
        client.get("/insights/"),
        client.get(f"/insights/programs/{program.slug}/"),
        client.get(f"/insights/programs/{other_program.slug}/"),
        client.get(f"/insights/programs/{program.slug}/activity.csv"),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200, 200]
    text = "".join(p.content.decode() for p in pages)
    assert program.name in text and other_program.name in text
    for name in _names(executive, mentee, other_mentee, mentor, program_manager):
        assert name not in text, name
    api = api_client(executive).get("/api/insights/programs").json()
    assert {program.slug, other_program.slug} <= {row["program"] for row in api}
    assert (
        api_client(executive).get(f"/api/insights/programs/{program.slug}/health").status_code
        == 200
    )


def test_activity_csv_matches_the_selector(program, program_manager, mentee) -> None:
    from mentorwise.insights.trends import program_activity

    body = page_client(program_manager).get(f"/insights/programs/{program.slug}/activity.csv")
    rows = list(csv.DictReader(io.StringIO(body.content.decode())))
    expected = program_activity(program=program)
    assert [r["month"] for r in rows] == [m.month.isoformat() for m in expected]
    assert [int(r["enrolled"]) for r in rows] == [m.enrolled for m in expected]
    assert sum(int(r["enrolled"]) for r in rows) == 1  # Ana enrolled this month


def test_program_report_pdf_shows_the_dashboard(program, program_manager, mentee) -> None:
    from pypdf import PdfReader

    response = page_client(program_manager).get(f"/insights/programs/{program.slug}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert program.name in text and "Activity over the last 12 months" in text
    assert "Enrolled mentees" in text


@pytest.mark.parametrize("who", ["mentee", "mentor", "other_manager", "outsider"])
def test_report_and_activity_are_404_for_everyone_else(program, request, who) -> None:
    client = page_client(request.getfixturevalue(who))
    assert client.get(f"/insights/programs/{program.slug}/report.pdf").status_code == 404
    assert client.get(f"/insights/programs/{program.slug}/activity.csv").status_code == 404


def _report_text(user, program) -> str:
    from pypdf import PdfReader

    response = page_client(user).get(f"/insights/programs/{program.slug}/report.pdf")
    assert response.status_code == 200
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


def test_report_has_equity_and_outcomes_with_demographics_for_hr_admins_only(
    program, program_manager, hr_admin, mentee
) -> None:
    from mentorwise.core.models import AuditEntry

    manager_text = _report_text(program_manager, program)
    assert (
        "Equity of access" in manager_text and "Outcomes against a comparable group" in manager_text
    )
    assert "Mentees by job level" in manager_text and "by gender" not in manager_text
    assert not AuditEntry.objects.filter(action="insights.demographics_viewed").exists()

    admin_text = _report_text(hr_admin, program)
    assert "Mentees by gender" in admin_text and "Mentees by ethnicity" in admin_text
    viewed = AuditEntry.objects.get(action="insights.demographics_viewed")
    assert viewed.data["via"] == "pdf" and viewed.actor == hr_admin


def test_home_points_insight_readers_to_their_dashboards(
    program, program_manager, executive, mentee
) -> None:
    assert "Program insights" in page_client(program_manager).get("/").content.decode()
    executive_home = page_client(executive).get("/").content.decode()
    assert "Program insights" in executive_home and "Pipeline and succession" in executive_home
    assert "Program insights" not in page_client(mentee).get("/").content.decode()
