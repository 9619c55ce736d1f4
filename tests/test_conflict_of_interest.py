"""Conflicts of interest: overseers who are also participants get nothing about their own
relationship that they would not get as a member of the pair.

The world (one organisation, built per test):

- `leadership` (mentoring), managed by Paula and Nina. Relationships:
  R: Ana (mentee) and Paula (mentor): Paula manages the program she mentors in;
  S: Hugo (mentee), an HR admin, and Marta (mentor);
  U: Omar and Mia, nobody's conflict (the control: every overseer sees it in full).
- `sponsorship`, managed by Sol and Nina. T: Tom (protégé) and Sol (sponsor): Sol manages
  the program he sponsors in; V: Vera and Viktor, the control.
- Hana, an HR admin in nothing; Nina, a manager in nothing.

In R, S and T the other person filed a safety report, answered the midpoint survey and wrote
a private note, each carrying a marker (R-REPORT, R-SURVEY, R-PRIVATE, ...). Paula, Hugo
and Sol walk every overseer page, partial, API operation and export: no response of theirs
may carry their own relationship's markers, while the same responses to Hana carry them
(so a check that could not fail is caught), and their figures differ from Hana's by
exactly their own relationship.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from conftest import api_client, make_person, make_user, page_client
from mentorwise.accounts.models import User
from mentorwise.audit.selectors import AuditFilters, audit_search
from mentorwise.core.errors import Forbidden, InvalidInput
from mentorwise.core.models import AuditEntry
from mentorwise.insights.report import program_report_context
from mentorwise.notifications.models import NudgeKind
from mentorwise.notifications.rules import stalled
from mentorwise.privacy.export import person_export
from mentorwise.programs.enrollment_inputs import EnrollmentNew
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus
from mentorwise.programs.services import (
    EnrollmentAnswers,
    enrollment_create,
    program_create_from_template,
)
from mentorwise.relationships import inputs, selectors
from mentorwise.relationships import services as rs
from mentorwise.relationships.inputs import SurveyAnswers
from mentorwise.relationships.models import (
    EventKind,
    Relationship,
    RelationshipStatus,
    SafetyReport,
)
from mentorwise.relationships.tests.factories import started_relationship

pytestmark = pytest.mark.django_db

REPORTED = "a problem was reported"
ANSWERS = {"satisfaction": 1, "recommend": 0, "goal_attainment": 1, "growth": 1}


@dataclass
class World:
    leadership: Program
    sponsorship: Program
    users: dict[str, User]
    rel: dict[str, Relationship]
    reports: dict[str, SafetyReport]

    def __getattr__(self, name: str) -> User:
        return self.users[name]


# Whose own relationship each conflicted overseer is in, and the program it belongs to.
CONFLICTED = {
    "paula": ("R", "leadership"),
    "hugo": ("S", "leadership"),
    "sol": ("T", "sponsorship"),
}


def _enroll(program: Program, person: Any, role: str) -> None:
    Enrollment.objects.create(
        program=program,
        person=person,
        role=role,
        status=EnrollmentStatus.ACTIVE,
        development_goals="Grow",
        capacity=2,
    )


def _program(hana: User, template: str, slug: str, managers: list[User]) -> Program:
    program = program_create_from_template(
        actor=hana, template_key=template, name=slug.title(), slug=slug
    )
    Program.objects.filter(pk=program.pk).update(
        status=ProgramStatus.ENROLLING, surveys_confidential=False
    )
    program.refresh_from_db()
    program.managers.add(*managers)
    return program


def build_world() -> World:
    def person(first: str, **fields: Any) -> Any:
        return make_person(first_name=first, last_name="Coi", **fields)

    users = {
        "hana": make_user(person("Hana"), is_hr_admin=True),
        "hugo": make_user(person("Hugo", job_level=4), is_hr_admin=True),
        "paula": make_user(person("Paula", job_level=8)),
        "nina": make_user(person("Nina", job_level=8)),
        "sol": make_user(person("Sol", job_level=9)),
    }
    leadership = _program(users["hana"], "hipo_leadership", "leadership", [users["paula"]])
    sponsorship = _program(
        users["hana"], "sponsorship_underrepresented", "sponsorship", [users["sol"]]
    )
    for program in (leadership, sponsorship):
        program.managers.add(users["nina"])
    pairs = {
        "R": (leadership, users["paula"].person, "Ana", "mentor"),
        "S": (leadership, None, "Marta", "mentor"),
        "U": (leadership, None, "Mia", "mentor"),
        "T": (sponsorship, users["sol"].person, "Tom", "sponsor"),
        "V": (sponsorship, None, "Viktor", "sponsor"),
    }
    mentees = {"R": "Ana", "S": None, "U": "Omar", "T": "Tom", "V": "Vera"}
    rel: dict[str, Relationship] = {}
    for key, (program, giver, other, role) in pairs.items():
        if key == "S":
            mentee_person, giver_person = users["hugo"].person, person("Marta", job_level=8)
        elif key == "R" or key == "T":
            mentee_person, giver_person = person(other, job_level=4), giver
        else:
            mentee_person, giver_person = person(mentees[key], job_level=4), person(other)
        giver_person.job_level = 9
        giver_person.save(update_fields=["job_level"])
        _enroll(program, mentee_person, "mentee")
        _enroll(program, giver_person, role)
        for p in (mentee_person, giver_person):
            if not User.objects.filter(person=p).exists():
                users[p.first_name.lower()] = make_user(p)
        mentee_user = User.objects.get(person=mentee_person)
        giver_user = User.objects.get(person=giver_person)
        rel[key] = started_relationship(mentee_user, giver_user)
    # The other person of each pair (and the controls' mentees) report, answer and note.
    reporters = {"R": "ana", "S": "marta", "T": "tom", "U": "omar", "V": "vera"}
    reports = {}
    for key, name in reporters.items():
        actor, relationship = users[name], rel[key]
        reports[key] = rs.safety_report_create(
            actor=actor,
            relationship=relationship,
            data=inputs.SafetyReportNew(category="conduct", description=f"{key}-REPORT-SECRET"),
        )
        rs.survey_respond(
            actor=actor,
            relationship=relationship,
            kind="midpoint",
            data=SurveyAnswers({**ANSWERS, "comments": f"{key}-SURVEY-SECRET"}),
        )
        rs.meeting_log(
            actor=actor,
            relationship=relationship,
            log=rs.MeetingLog(
                held_at=timezone.now() - dt.timedelta(days=1),
                topics="Catch-up",
                shared_notes=f"{key}-SHARED-NOTE",
                private_note=f"{key}-PRIVATE-SECRET",
            ),
        )
    mail.outbox.clear()
    return World(leadership, sponsorship, users, rel, reports)


@pytest.fixture
def world() -> World:
    return build_world()


def _secrets(key: str) -> list[str]:
    return [f"{key}-REPORT-SECRET", f"{key}-SURVEY-SECRET", f"{key}-PRIVATE-SECRET"]


def _overseer_requests(w: World, slug: str) -> list[tuple[str, str, dict[str, str]]]:
    """Every overseer page, HTMX partial, API operation and export of one program."""
    htmx = {"HTTP_HX_REQUEST": "true"}
    return [
        ("web", f"/relationships/program/{slug}/", {}),
        ("web", f"/relationships/program/{slug}/", htmx),
        ("web", f"/relationships/program/{slug}/?health=at_risk", htmx),
        ("web", f"/relationships/program/{slug}/safety/", {}),
        ("web", f"/relationships/program/{slug}/surveys/", {}),
        ("web", f"/programs/{slug}/", {}),
        ("web", "/relationships/", {}),
        ("web", "/", {}),
        ("web", "/insights/", {}),
        ("web", f"/insights/programs/{slug}/", {}),
        ("web", f"/insights/programs/{slug}/health.csv", {}),
        ("web", "/audit/", {}),
        ("web", "/audit/export.csv", {}),
        ("api", "/api/relationships", {}),
        ("api", f"/api/programs/{slug}/relationships", {}),
        ("api", f"/api/programs/{slug}/safety-reports", {}),
        ("api", f"/api/programs/{slug}/surveys/midpoint/summary", {}),
        ("api", f"/api/programs/{slug}/surveys/midpoint/summary?side=mentee", {}),
        ("api", "/api/insights/programs", {}),
        ("api", f"/api/insights/programs/{slug}/health", {}),
        ("api", "/api/audit?limit=1000", {}),
    ]


def _walk(w: World, who: str, slug: str) -> str:
    """Every response `who` gets from the overseer requests, concatenated."""
    page, api = page_client(w.users[who]), api_client(w.users[who], scope="admin")
    bodies = []
    for kind, url, headers in _overseer_requests(w, slug):
        client: Client = page if kind == "web" else api
        response = client.get(url, **headers)  # type: ignore[arg-type]
        assert response.status_code in (200, 404), (who, url, response.status_code)
        bodies.append(response.content.decode())
    own = w.rel[CONFLICTED[who][0]] if who in CONFLICTED else None
    if own is not None:
        bodies.append(page.get(f"/relationships/{own.pk}/").content.decode())
        bodies.append(api.get(f"/api/relationships/{own.pk}").content.decode())
    return "\n".join(bodies)


@pytest.mark.parametrize("who", sorted(CONFLICTED))
def test_no_overseer_response_carries_what_the_other_person_said_about_them(
    world: World, who: str
) -> None:
    key, slug = CONFLICTED[who]
    text = _walk(world, who, slug)
    for secret in _secrets(key):
        assert secret not in text, (who, secret)
    # The same walk by an HR admin outside every pair reads the report and the answers,
    # so the probes do reach the data.
    control = _walk(world, "hana", slug)
    assert f"{key}-REPORT-SECRET" in control and f"{key}-SURVEY-SECRET" in control
    # Private notes reach nobody but their author, Hana included.
    assert f"{key}-PRIVATE-SECRET" not in control


@pytest.mark.parametrize("who", sorted(CONFLICTED))
def test_conflicted_overseer_still_oversees_the_other_relationships(world: World, who: str):
    key, slug = CONFLICTED[who]
    control = "U" if slug == "leadership" else "V"
    reports = api_client(world.users[who]).get(f"/api/programs/{slug}/safety-reports").json()
    assert f"{control}-REPORT-SECRET" in {r["description"] for r in reports}
    assert world.rel[key].pk not in {r["relationship_id"] for r in reports}


# Safety reports ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", sorted(CONFLICTED))
def test_report_about_own_relationship_cannot_be_read_or_handled(world: World, who: str):
    key, _ = CONFLICTED[who]
    report = world.reports[key]
    user = world.users[who]
    page, api = page_client(user), api_client(user, scope="admin")
    assert page.get(f"/relationships/safety/{report.pk}/").status_code == 404
    assert api.get(f"/api/safety-reports/{report.pk}").status_code == 404
    handled = page.post(f"/relationships/safety/{report.pk}/", {"status": "resolved"})
    assert handled.status_code == 404
    handled = api.post(
        f"/api/safety-reports/{report.pk}/handling",
        {"status": "resolved", "note": "Nothing to see"},
        content_type="application/json",
    )
    assert handled.status_code == 404
    with pytest.raises(Forbidden):
        rs.safety_report_handle(
            actor=user, report=report, data=inputs.SafetyHandling(status="resolved")
        )
    report.refresh_from_db()
    assert report.status == "open" and not report.notes.exists()
    assert not AuditEntry.objects.filter(action="safety_report.handled").exists()
    # Another overseer of the program handles it.
    rs.safety_report_handle(
        actor=world.nina, report=report, data=inputs.SafetyHandling(status="in_review")
    )


def test_manager_who_reports_reads_their_report_but_does_not_handle_it(world: World):
    report = rs.safety_report_create(
        actor=world.paula,
        relationship=world.rel["R"],
        data=inputs.SafetyReportNew(category="other", description="Mine"),
    )
    api = api_client(world.paula, scope="admin")
    read = api.get(f"/api/safety-reports/{report.pk}")
    assert read.status_code == 200 and read.json()["notes"] == []
    handled = api.post(
        f"/api/safety-reports/{report.pk}/handling",
        {"status": "resolved"},
        content_type="application/json",
    )
    assert handled.status_code == 403 and handled.json()["code"] == "conflict_of_interest"
    page = page_client(world.paula).get(f"/relationships/safety/{report.pk}/").content.decode()
    assert "Handling" not in page


@pytest.mark.parametrize("who", sorted(CONFLICTED))
def test_report_email_never_reaches_the_overseer_it_is_about(
    world: World, who: str, django_capture_on_commit_callbacks: Any
):
    key, _ = CONFLICTED[who]
    relationship = world.rel[key]
    reporter = next(
        u
        for u in (relationship.mentee.person.user, relationship.mentor.person.user)
        if u != world.users[who]
    )
    with django_capture_on_commit_callbacks(execute=True):
        rs.safety_report_create(
            actor=reporter,
            relationship=relationship,
            data=inputs.SafetyReportNew(category="conduct", description="Again"),
        )
    # One e-mail to each overseer (the dispatcher delivers per person), all alike.
    recipients = [address for message in mail.outbox for address in message.to]
    assert world.users[who].email not in recipients
    # The other manager receives it, and the HR admins do, since it may concern an overseer.
    assert world.nina.email in recipients
    assert world.hana.email in recipients
    assert len({message.body for message in mail.outbox}) == 1
    assert not any("Again" in message.body for message in mail.outbox)


def test_report_goes_to_the_managers_only_when_nobody_in_the_pair_oversees(world: World):
    from mentorwise.relationships.safety import Audience, safety_report_routing

    routing = safety_report_routing(world.rel["U"])
    assert routing.audience == Audience.MANAGERS
    assert set(routing.emails) == {world.paula.email, world.nina.email}


# When the only manager and the only HR admin is the person reported -----------------------


@pytest.fixture
def lone_overseer(skills: Any) -> tuple[User, User, Relationship]:
    """Solo is the organisation's only HR admin, the program's only manager, and mentors
    Max in it: the one person a report by Max could reach in Mentorwise is Solo."""
    solo = make_user(make_person(first_name="Solo", last_name="Admin", job_level=9))
    solo.is_hr_admin = True
    solo.save(update_fields=["is_hr_admin"])
    program = _program(solo, "hipo_leadership", "small-org", [solo])
    max_ = make_user(make_person(first_name="Max", last_name="Mentee", job_level=4))
    _enroll(program, max_.person, "mentee")
    _enroll(program, solo.person, "mentor")
    return solo, max_, started_relationship(max_, solo)


def _report_as(user: User, relationship: Relationship, capture: Any) -> tuple[str, Any]:
    with capture(execute=True):
        response = page_client(user).post(
            f"/relationships/{relationship.pk}/report/",
            {"category": "conduct", "description": "LONE-REPORT-SECRET"},
            follow=True,
        )
    return response.content.decode(), SafetyReport.objects.get(description="LONE-REPORT-SECRET")


def test_report_reaches_the_safety_contact_when_every_overseer_is_in_the_pair(
    lone_overseer: Any, settings: Any, django_capture_on_commit_callbacks: Any
):
    solo, max_, relationship = lone_overseer
    settings.MENTORWISE_SAFETY_CONTACT = "ethics@example.com"
    form = page_client(max_).get(f"/relationships/{relationship.pk}/report/").content.decode()
    assert "ethics@example.com, the organisation&#x27;s safety contact" in form
    page, report = _report_as(max_, relationship, django_capture_on_commit_callbacks)
    assert "Your report went to ethics@example.com" in page
    (message,) = mail.outbox
    assert message.to == ["ethics@example.com"]
    assert f"report #{report.pk}" in message.body and "LONE-REPORT" not in message.body
    assert page_client(solo).get(f"/relationships/safety/{report.pk}/").status_code == 404


def test_report_waits_for_an_uninvolved_hr_admin_when_nobody_can_receive_it(
    lone_overseer: Any, settings: Any, django_capture_on_commit_callbacks: Any
):
    solo, max_, relationship = lone_overseer
    settings.MENTORWISE_SAFETY_CONTACT = ""
    page, report = _report_as(max_, relationship, django_capture_on_commit_callbacks)
    assert "Your report went to nobody yet" in page and "contact HR directly" in page
    assert not mail.outbox
    reports = page_client(solo).get("/relationships/program/small-org/safety/").content.decode()
    assert f"/relationships/safety/{report.pk}/" not in reports
    # The first HR admin named who is not in the relationship reads and handles it.
    newcomer = make_user(make_person(first_name="Nova", last_name="Admin"), is_hr_admin=True)
    reports = page_client(newcomer).get("/relationships/program/small-org/safety/")
    assert f"/relationships/safety/{report.pk}/" in reports.content.decode()
    rs.safety_report_handle(
        actor=newcomer, report=report, data=inputs.SafetyHandling(status="in_review")
    )


def test_report_goes_to_the_hr_admins_when_the_only_manager_is_in_the_pair(
    lone_overseer: Any, django_capture_on_commit_callbacks: Any
):
    _, max_, relationship = lone_overseer
    other = make_user(make_person(first_name="Olive", last_name="Admin"), is_hr_admin=True)
    page, _ = _report_as(max_, relationship, django_capture_on_commit_callbacks)
    assert "Your report went to the HR admins" in page
    assert [message.to for message in mail.outbox] == [[other.email]]


# Health -----------------------------------------------------------------------------------


def _health(client: Client, url: str) -> dict[int, str]:
    return {r["id"]: r["health_reason"] for r in client.get(url).json()}


@pytest.mark.parametrize("who", sorted(CONFLICTED))
def test_own_relationship_is_never_at_risk_because_of_a_report(world: World, who: str):
    key, slug = CONFLICTED[who]
    own = world.rel[key].pk
    control = world.rel["U" if slug == "leadership" else "V"].pk
    api = api_client(world.users[who])
    for url in ("/api/relationships", f"/api/programs/{slug}/relationships"):
        reasons = _health(api, url)
        assert reasons[own] != REPORTED and reasons[control] == REPORTED, url
        assert _health(api_client(world.hana), url)[own] == REPORTED
    at_risk = page_client(world.users[who]).get(
        f"/relationships/program/{slug}/?health=at_risk", HTTP_HX_REQUEST="true"
    )
    own_mentee = world.rel[key].mentee.person.full_name
    control_mentee = Relationship.objects.get(pk=control).mentee.person.full_name
    assert control_mentee in at_risk.content.decode()
    if who != "hugo":  # Hugo is the mentee: his name is on the page as the viewer
        assert own_mentee not in at_risk.content.decode()
    home = page_client(world.users[who]).get("/").content.decode()
    assert REPORTED not in home


def _health_figure(client: Client, slug: str, key: str) -> tuple[float | None, int | None]:
    figures = client.get(f"/api/insights/programs/{slug}/health").json()["figures"]
    figure = next(f for f in figures if f["key"] == key)
    return figure["value"], figure["n"]


@pytest.mark.parametrize("who", sorted(CONFLICTED))
def test_dashboard_counts_leave_out_only_their_own_relationship(world: World, who: str):
    _, slug = CONFLICTED[who]
    share, n = _health_figure(api_client(world.users[who]), slug, "at_risk")
    all_share, all_n = _health_figure(api_client(world.hana), slug, "at_risk")
    assert n == all_n and share is not None and all_share is not None and n is not None
    assert round(all_share * n) - round(share * n) == 1
    # The CSV export says the same as the API.
    body = page_client(world.users[who]).get(f"/insights/programs/{slug}/health.csv")
    rows = {r["figure"]: r for r in csv.DictReader(io.StringIO(body.content.decode()))}
    assert float(rows["At risk"]["value"]) == pytest.approx(share)
    # The PDF report too (its figures come from the same selector, given the reader).
    program = Program.objects.get(slug=slug)
    report = program_report_context(program=program, actor=world.users[who])["health"]
    hana_report = program_report_context(program=program, actor=world.hana)["health"]
    assert report.health.at_risk == hana_report.health.at_risk - 1
    # The program page's "at risk" counter too.
    page = page_client(world.users[who]).get(f"/relationships/program/{slug}/")
    counts = {label: n for label, n, _ in page.context["counts"]}
    hana_page = page_client(world.hana).get(f"/relationships/program/{slug}/")
    assert {label: n for label, n, _ in hana_page.context["counts"]}["At risk"] == (
        counts["At risk"] + 1
    )


def test_overview_on_track_share_leaves_out_their_own_report(world: World):
    rows = {r["program"]: r for r in api_client(world.sol).get("/api/insights/programs").json()}
    hana = {r["program"]: r for r in api_client(world.hana).get("/api/insights/programs").json()}
    assert rows["sponsorship"]["on_track_share"] == 0.5
    assert hana["sponsorship"]["on_track_share"] == 0.0


def test_stalled_flag_goes_to_the_other_managers_only(world: World):
    drafts, _ = stalled(timezone.now() + dt.timedelta(days=400))
    flagged = {(d.person_id, d.relationship_id) for d in drafts if d.kind == NudgeKind.STALLED_FLAG}
    assert (world.paula.person_id, world.rel["R"].pk) not in flagged
    assert (world.nina.person_id, world.rel["R"].pk) in flagged
    assert (world.paula.person_id, world.rel["U"].pk) in flagged


# Surveys ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", sorted(CONFLICTED))
def test_survey_figures_leave_out_the_answers_about_them(world: World, who: str):
    key, slug = CONFLICTED[who]
    url = f"/api/programs/{slug}/surveys/midpoint/summary"
    mine = api_client(world.users[who]).get(url).json()
    everyone = api_client(world.hana).get(url).json()
    assert mine["n"] == everyone["n"] - 1
    assert world.rel[key].pk not in {r["relationship_id"] for r in mine["responses"]}
    assert world.rel[key].pk in {r["relationship_id"] for r in everyone["responses"]}
    _, n = _health_figure(api_client(world.users[who]), slug, "midpoint_satisfaction")
    _, all_n = _health_figure(api_client(world.hana), slug, "midpoint_satisfaction")
    assert n == all_n - 1
    page = page_client(world.users[who]).get(f"/relationships/program/{slug}/surveys/")
    assert f"{key}-SURVEY-SECRET" not in page.content.decode()


# Bulk actions -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", sorted(CONFLICTED))
@pytest.mark.parametrize("action", ["remind", "close"])
def test_bulk_actions_refuse_their_own_relationship(
    world: World, who: str, action: str, django_capture_on_commit_callbacks: Any
):
    key, slug = CONFLICTED[who]
    own = world.rel[key]
    control = world.rel["U" if slug == "leadership" else "V"]
    events = own.events.count()
    api = api_client(world.users[who], scope="admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = page_client(world.users[who]).post(
            f"/relationships/program/{slug}/bulk/",
            {
                "relationships": [own.pk, control.pk],
                "action": action,
                "reason": "Reorg",
                "confirmed": "yes",
            },
            follow=True,
        )
        refused = api.post(
            f"/api/programs/{slug}/relationships/{action}",
            {"relationships": [own.pk], "reason": "Reorg", "message": "Meet!"},
            content_type="application/json",
        )
    assert "you are in this relationship" in response.content.decode()
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["value"] == str(own.pk)
    # Nothing happened to either relationship: all or none.
    for relationship in (own, control):
        relationship.refresh_from_db()
        assert relationship.status == RelationshipStatus.ACTIVE
    assert own.events.count() == events
    assert not mail.outbox
    with pytest.raises(InvalidInput):
        rs.relationships_remind(
            actor=world.users[who],
            program=own.program,
            data=inputs.BulkReminder(relationship_ids=[own.pk]),
        )
    # The other relationships are theirs to act on.
    with django_capture_on_commit_callbacks(execute=True):
        reminded = rs.relationships_remind(
            actor=world.users[who],
            program=own.program,
            data=inputs.BulkReminder(relationship_ids=[control.pk]),
        )
    # One e-mail to each person of the pair.
    assert reminded == 1 and sorted(m.to[0] for m in mail.outbox) == sorted(
        [control.mentee.person.email, control.mentor.person.email]
    )
    assert control.events.filter(kind=EventKind.REMINDER).exists()


def test_own_relationship_is_listed_without_a_checkbox(world: World):
    page = page_client(world.paula).get("/relationships/program/leadership/").content.decode()
    assert f'name="relationships" value="{world.rel["R"].pk}"' not in page
    assert f'name="relationships" value="{world.rel["U"].pk}"' in page


# HR admins: the audit log and data-subject exports ---------------------------------------


def test_audit_log_does_not_tell_an_hr_admin_of_a_report_about_them(world: World):
    report = world.reports["S"]
    label = f"Safety report #{report.pk}"
    hugo = {e.target_label for e in audit_search(actor=world.hugo, filters=AuditFilters())}
    hana = {e.target_label for e in audit_search(actor=world.hana, filters=AuditFilters())}
    assert label not in hugo and label in hana
    assert f"Safety report #{world.reports['R'].pk}" in hugo  # he oversees R
    for client, expected in ((page_client(world.hugo), False), (page_client(world.hana), True)):
        for url in ("/audit/", "/audit/export.csv", f"/audit/?target_id={report.pk}"):
            assert (label in client.get(url).content.decode()) is expected, url
    url = f"/api/audit?target_type=relationships.safetyreport&target_id={report.pk}"
    assert api_client(world.hugo, scope="admin").get(url).json() == []
    assert api_client(world.hana, scope="admin").get(url).json()


def test_hr_admin_leaves_the_export_of_someone_in_their_program_to_another(world: World):
    marta = world.rel["S"].mentor.person
    with pytest.raises(Forbidden) as refused:
        person_export(actor=world.hugo, person=marta)
    assert refused.value.code == "conflict_of_interest"
    page = page_client(world.hugo)
    privacy = page.get(f"/privacy/people/{marta.pk}/").content.decode()
    assert "another HR admin answers this request" in privacy
    assert f"/privacy/people/{marta.pk}/export.json" not in privacy
    response = page.get(f"/privacy/people/{marta.pk}/export.json")
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="person.exported").exists()
    data = person_export(actor=world.hana, person=marta)
    assert data["safety_reports"][0]["description"] == "S-REPORT-SECRET"
    # Their own export is theirs to make.
    assert person_export(actor=world.hugo, person=world.hugo.person)["person"]["id"]


# Taking part in a program one oversees ----------------------------------------------------


def test_manager_may_enrol_and_the_other_overseers_see_it(world: World, skills: Any):
    program = world.leadership
    answers = EnrollmentAnswers(
        skills_offered=[skills[0].pk],
        capacity=2,
        answers={"why": "To give back", "commitment": "Yes"},
    )
    enrollment = enrollment_create(
        actor=world.nina,
        program=program,
        data=EnrollmentNew(role="mentor", answers=answers, acknowledged=True),
    )
    entry = AuditEntry.objects.get(action="enrollment.created", target_id=str(enrollment.pk))
    assert entry.data["oversees_program"] is True
    for viewer in (world.paula, world.hana):
        page = page_client(viewer).get(f"/programs/{program.slug}/").content.decode()
        assert "Overseers who take part" in page and "Nina Coi" in page
        participants = page_client(viewer).get(f"/programs/{program.slug}/participants/")
        assert "oversees this program" in participants.content.decode()
    rows = api_client(world.hana).get(f"/api/programs/{program.slug}/enrollments").json()
    flagged = {r["person_name"] for r in rows if r["oversees_program"]}
    assert flagged == {"Nina Coi", "Paula Coi", "Hugo Coi"}
    # Participants see nothing of it.
    page = page_client(world.ana).get(f"/programs/{program.slug}/").content.decode()
    assert "Overseers who take part" not in page


def test_enrolling_manager_is_told_who_oversees_their_relationships(world: World, skills: Any):
    program = world.leadership
    response = page_client(world.nina).post(
        f"/programs/{program.slug}/enroll/mentor/",
        {
            "skills_offered": [skills[0].pk],
            "capacity": 2,
            "function_preference": "any",
            "acknowledged": "on",
            "q_why": "To give back",
            "q_commitment": "Yes",
        },
        follow=True,
    )
    assert Enrollment.objects.filter(program=program, person=world.nina.person).exists(), (
        response.content.decode()
    )
    assert "they, not you, oversee your relationships" in response.content.decode()


def test_naming_a_participant_manager_is_flagged_the_same_way(world: World):
    program = world.sponsorship
    mia = world.rel["U"].mentor.person  # a mentor in leadership, not in sponsorship
    tom = world.rel["T"].mentee.person
    response = page_client(world.hana).post(
        f"/programs/{program.slug}/managers/",
        {
            "managers": "\n".join(
                u.person.email for u in (world.sol, world.nina, tom.user, mia.user)
            )
        },
        follow=True,
    )
    assert "Sol Coi, Tom Coi also take part in Sponsorship" in response.content.decode()
    entry = AuditEntry.objects.filter(action="program.managers_set").latest("id")
    assert entry.data["taking_part"] == sorted([world.sol.person.email, tom.email])
    page = page_client(world.nina).get(f"/programs/{program.slug}/").content.decode()
    assert "Tom Coi" in page.split("Overseers who take part")[1]
    # As a new manager, Tom oversees V but not his own relationship T.
    tom_user = tom.user
    assert selectors.access_safety_report(actor=tom_user, report_id=world.reports["V"].pk)
    reports = api_client(tom_user).get(f"/api/programs/{program.slug}/safety-reports").json()
    assert [r["relationship_id"] for r in reports] == [world.rel["V"].pk]


def test_every_overseer_in_a_pair_is_flagged_on_the_program_page(world: World):
    page = page_client(world.nina).get("/programs/leadership/").content.decode()
    flagged = page.split("Overseers who take part")[1].split("</ul>")[0]
    assert "Paula Coi" in flagged and "manages this program" in flagged
    assert "Hugo Coi" in flagged and "HR admin" in flagged
    assert "Hana Coi" not in flagged and "Nina Coi" not in flagged


def test_world_is_what_the_module_says(world: World):
    # Guard the premises the tests rely on.
    assert world.rel["R"].mentor.person == world.paula.person
    assert world.rel["S"].mentee.person == world.hugo.person
    assert world.rel["T"].mentor.person == world.sol.person
    assert world.rel["T"].mentor.role == "sponsor"
    assert world.paula in world.leadership.managers.all()
    assert world.sol in world.sponsorship.managers.all()
    assert json.dumps([r.pk for r in world.rel.values()])
