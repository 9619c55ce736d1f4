"""Cached dashboard figures (`core.aggregates`) with real commits: every kind of write shows
on the next page, and readers with different scopes never share a cached figure.

These tests commit (transaction=True): in an ordinary test everything happens inside one
uncommitted transaction, where the cache is read past on purpose.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test.utils import override_settings
from django.utils import timezone, translation

from conftest import make_person, page_client
from mentorwise.accounts.models import TokenScope
from mentorwise.accounts.services import api_token_create
from mentorwise.core import aggregates
from mentorwise.core.languages import PSEUDO, django_languages
from mentorwise.core.pseudo import pseudo
from mentorwise.insights import home
from mentorwise.insights.home import oversight_alerts
from mentorwise.insights.pipeline import pipeline
from mentorwise.people.models import Person
from mentorwise.people.services import people_import
from mentorwise.privacy.erasure import person_erase
from mentorwise.programs.enrollment_inputs import Withdrawal
from mentorwise.programs.services.enrollment import enrollment_withdraw
from mentorwise.relationships.inputs import Closure
from mentorwise.relationships.models import Relationship
from mentorwise.relationships.services.closure import relationship_close
from mentorwise.relationships.tests.factories import enrollment_of, started_relationship
from mentorwise.scim.services import Caller, person_delete, scim_service_login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh() -> None:
    aggregates.clear_local()
    aggregates.invalidate_aggregates()


class Calls:
    """Counts the computations of one cached figure (the cache calls it by module name)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
        self.n = 0
        original = getattr(module, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.n += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)


def _counts(actor: Any) -> home.OrganisationCounts:
    counts = home.organisation_counts(actor=actor)
    assert counts is not None
    return counts


def _waiting(actor: Any) -> int:
    return {t.kind: t.count for t in oversight_alerts(actor=actor).totals}.get("waiting", 0)


def test_a_figure_is_computed_once_then_served_until_a_write(
    hr_admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Calls(monkeypatch, home, "_organisation_counts")
    first = _counts(hr_admin)
    assert _counts(hr_admin) == first and calls.n == 1
    make_person()  # a committed write, in autocommit
    assert _counts(hr_admin).active == first.active + 1 and calls.n == 2


def test_a_write_through_a_service_shows_on_the_next_home_page(
    program_manager: Any, mentee: Any
) -> None:
    client = page_client(program_manager)
    assert _waiting(program_manager) == 1
    assert "</span> mentee waiting for a match · " in client.get("/").content.decode()
    enrollment_withdraw(
        actor=mentee, enrollment=enrollment_of(mentee), data=Withdrawal(reason="No time")
    )
    assert _waiting(program_manager) == 0
    assert "mentee waiting for a match · " not in client.get("/").content.decode()


def test_the_hris_import_shows_on_the_next_hr_admin_home(hr_admin: Any) -> None:
    before = _counts(hr_admin)
    csv = (
        b"employee_id,first_name,last_name,email,manager_id,job_level,hire_date\n"
        b"H1,Cleo,Chief,cleo@example.com,,10,2015-03-01\n"
        b"H2,Vik,Vice,vik@example.com,H1,9,2016-04-01\n"
    )
    people_import(actor=hr_admin, data=csv, file_name="hris.csv")
    assert _counts(hr_admin).active == before.active + 2
    html = page_client(hr_admin).get("/").content.decode()
    shown = f'<span class="value">{before.active + 2}</span><span class="label">active people'
    assert shown in html


def test_a_scim_deprovisioning_shows_on_the_next_hr_admin_home(hr_admin: Any) -> None:
    leaver = make_person(first_name="Lea", last_name="Leaver")
    before = _counts(hr_admin)
    token, _raw = api_token_create(actor=scim_service_login(), name="Okta", scope=TokenScope.SCIM)
    person_delete(caller=Caller(token=token), person=leaver)
    assert _counts(hr_admin).active == before.active - 1


def test_a_relationship_closed_leaves_the_alerts_and_the_health_figures(
    hr_admin: Any, program_manager: Any, mentee: Any, mentor: Any
) -> None:
    relationship = started_relationship(mentee, mentor)
    Relationship.objects.filter(pk=relationship.pk).update(
        started_at=timezone.now() - dt.timedelta(days=200)  # at risk
    )
    totals = {t.kind: t.count for t in oversight_alerts(actor=program_manager).totals}
    assert totals["at_risk"] == 1
    headline = home.headline_figures(actor=hr_admin)
    assert headline is not None
    assert {f.key: f.of for f in headline.figures}["health"] in (1, None)
    relationship_close(
        actor=program_manager, relationship=relationship, data=Closure(kind="planned")
    )
    totals = {t.kind: t.count for t in oversight_alerts(actor=program_manager).totals}
    assert totals["at_risk"] == 0
    headline = home.headline_figures(actor=hr_admin)
    assert headline is not None
    health = {f.key: f for f in headline.figures}["health"]
    assert health.hidden and health.of is None  # no active relationship any more


def test_an_erasure_empties_the_cache(
    hr_admin: Any, mentee: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Calls(monkeypatch, home, "_organisation_counts")
    _counts(hr_admin)
    _counts(hr_admin)
    assert calls.n == 1
    person = Person.objects.get(pk=mentee.person_id)
    person_erase(actor=hr_admin, person=person, confirm=person.employee_id)
    _counts(hr_admin)
    assert calls.n == 2


def test_program_managers_never_share_their_programs_alerts(
    program_manager: Any, other_manager: Any, other_program: Any, mentee: Any
) -> None:
    mine = oversight_alerts(actor=program_manager)
    theirs = oversight_alerts(actor=other_manager)
    assert {a.program.slug for a in mine.alerts} == {"leadership-2026"}
    assert "leadership-2026" not in {a.program.slug for a in theirs.alerts}
    assert _waiting(program_manager) == 1 and _waiting(other_manager) == 0
    # And the other way round, each from the cache now.
    assert _waiting(other_manager) == 0 and _waiting(program_manager) == 1


def test_a_manager_who_is_also_a_mentee_never_counts_herself_whoever_read_first(
    program: Any, program_manager: Any, mentee: Any, other_mentee: Any
) -> None:
    program.managers.add(mentee)  # Ana manages the program she is a mentee in
    assert _waiting(program_manager) == 2  # Ana and Omar
    assert _waiting(mentee) == 1  # only Omar: same programs, another scope
    aggregates.clear_local()
    assert _waiting(mentee) == 1 and _waiting(program_manager) == 2


def test_a_program_managers_insights_are_those_of_the_program_asked_for(
    program_manager: Any, other_manager: Any, other_program: Any, mentee: Any
) -> None:
    mine = page_client(program_manager).get("/insights/programs/leadership-2026/")
    theirs = page_client(other_manager).get("/insights/programs/buddies/")
    assert mine.status_code == theirs.status_code == 200
    assert mine.context["health"].program.slug == "leadership-2026"
    assert theirs.context["health"].program.slug == "buddies"
    assert mine.context["health"].funnel != theirs.context["health"].funnel
    # Nobody reads another program's cached figures by asking for it.
    assert page_client(other_manager).get("/insights/programs/leadership-2026/").status_code == 404


def test_the_pipeline_is_served_from_the_cache_until_a_write(
    hr_admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mentorwise.insights import pipeline as module

    calls = Calls(monkeypatch, module, "_pipeline")
    first = pipeline()
    assert pipeline() == first and calls.n == 1
    make_person(is_high_potential=True)
    pipeline()
    assert calls.n == 2


def test_a_programs_eligible_count_follows_the_people_and_its_rules(
    program: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mentorwise.programs import selectors

    calls = Calls(monkeypatch, selectors, "_role_counts")

    def eligible() -> dict[str, int]:
        return {c.role: c.eligible for c in selectors.program_role_counts(program=program)}

    first = eligible()
    assert eligible() == first and calls.n == 1
    make_person(job_level=4, is_high_potential=True)
    assert calls.n == 1
    second = eligible()
    assert calls.n == 2 and second != first
    # A preview of other rules is never cached, nor served from the program's entry.
    preview = selectors.program_role_counts(program=program, eligibility={"mentee": {}})
    assert calls.n == 3 and preview[0].role == "mentee"


def test_the_insights_overview_is_cached_per_set_of_programs_read(
    hr_admin: Any, executive: Any, program_manager: Any, other_program: Any
) -> None:
    from mentorwise.insights.health import programs_overview
    from mentorwise.programs.models import Program, ProgramStatus

    Program.objects.create(name="Circle 2027", slug="circle-2027", status=ProgramStatus.DRAFT)

    def slugs(actor: Any) -> set[str]:
        return {row.program.slug for row in programs_overview(actor=actor)}

    everything = {"leadership-2026", "buddies", "circle-2027"}
    for _ in range(2):  # computed, then from the cache, in an order that would leak
        assert slugs(hr_admin) == everything
        assert slugs(program_manager) == {"leadership-2026"}
        assert slugs(executive) == everything - {"circle-2027"}  # no drafts


def test_cached_alerts_and_headline_figures_speak_each_readers_language(
    hr_admin: Any, program_manager: Any, mentee: Any, mentor: Any, monkeypatch: Any
) -> None:
    """The cached values hold no text: a reader in another language than the one who filled
    the cache reads the labels in their own language."""
    relationship = started_relationship(mentee, mentor)
    Relationship.objects.filter(pk=relationship.pk).update(
        started_at=timezone.now() - dt.timedelta(days=200)  # at risk
    )
    # (The pseudo-locale's setting is part of the cache key: on for both readers.)
    with override_settings(MENTORWISE_PSEUDO_LOCALE=True, LANGUAGES=django_languages(pseudo=True)):
        with translation.override("en"):
            figures = home.headline_figures(actor=hr_admin)  # (may start the outcomes task)
            assert figures is not None
            english = oversight_alerts(actor=program_manager)
            assert {t.kind: t.label for t in english.totals}["at_risk"] == "pair at risk"
        computed = Calls(monkeypatch, home, "_oversight_alerts")
        with translation.override(PSEUDO.code):
            alerts = oversight_alerts(actor=program_manager)
            headline = home.headline_figures(actor=hr_admin)
            assert headline is not None
            at_risk = {t.kind: t for t in alerts.totals}["at_risk"]
            assert at_risk.label == pseudo("pair at risk")
            texts = [a.text for a in alerts.alerts if a.kind == "at_risk"]
            assert texts == [pseudo("pair at risk")]
            health = {f.key: f.label for f in headline.figures}["health"]
            assert health == pseudo("Relationship health")
    assert computed.n == 0  # the alerts came from the cache filled in English


def test_the_directory_filter_menus_follow_the_people_and_the_reader(
    hr_admin: Any, mentee: Any
) -> None:
    from mentorwise.people.selectors import person_filter_options

    admin_page = page_client(hr_admin)
    assert "Zanzibar" not in admin_page.get("/people/").content.decode()
    make_person(location="Zanzibar", department="Seaweed")  # a committed write
    body = admin_page.get("/people/").content.decode()
    assert '<option value="Zanzibar">' in body and '<option value="Seaweed">' in body
    # A reader without the directory gets their own record's values, never the cached
    # menus of the whole organization.
    own = person_filter_options(actor=mentee)
    assert own["location"] == [mentee.person.location]
    assert "Zanzibar" not in own["location"]
    assert "Zanzibar" in person_filter_options(actor=hr_admin)["location"]
