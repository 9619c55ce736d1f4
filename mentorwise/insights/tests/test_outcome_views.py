"""Outcomes page, CSV and API: one selector behind all three; HR admins and managers only."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache

from conftest import api_client, page_client
from mentorwise.core.models import AuditEntry
from mentorwise.insights.outcome_simulation import outcomes_simulate
from mentorwise.insights.program_outcomes import (
    data_version,
    organisation_version,
    outcomes_json,
    program_outcomes,
)
from mentorwise.people.models import Person
from mentorwise.programs.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def simulated(program_manager_user) -> Program:
    cache.clear()
    result = outcomes_simulate(
        actor=None,
        slug="sim-page",
        people=1500,
        retention_effect=0.05,
        promotion_effect=0.08,
        selection_bias=1.0,
        seed=11,
    )
    result.program.managers.add(program_manager_user)
    return result.program


def test_manager_sees_curves_table_verdicts_and_balance(simulated, program_manager_user) -> None:
    response = page_client(program_manager_user).get(
        f"/insights/programs/{simulated.slug}/outcomes/"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<svg") == 1 and "<script" not in body.split("<svg", 1)[1].split("</svg>")[0]
    assert "Retention curve" in body and "How alike the groups are" in body
    assert "Retention after 12 months" in body and "Promoted within 12 months" in body
    assert "high potential" in body and "Job level: " in body  # covariates as people read them
    assert "comparable colleagues" in body  # the plain-language verdicts
    assert (
        "What is estimated:" in body
        and "E-value" in body
        and "How the comparison was built" in body
    )


def test_page_csv_and_api_show_the_same_figures(simulated, hr_admin) -> None:
    expected = outcomes_json(program_outcomes(program=simulated))
    api = api_client(hr_admin).get(f"/api/insights/programs/{simulated.slug}/outcomes")
    assert api.status_code == 200
    payload = api.json()
    for name in ("retention_12m", "retention_24m", "promotion_12m", "internal_move_12m"):
        for kind in ("adjusted", "naive"):
            got, want = payload[name][kind], expected[name][kind]
            assert got["estimate"] == pytest.approx(want["estimate"])
            assert got["ci95"] == pytest.approx(want["ci95"])
        assert payload[name]["n_participants"] == expected[name]["n_participants"]
    assert payload["team_retention_12m"] is None  # not a first-time-manager program
    assert payload["promotion_12m"]["e_value"] == expected["promotion_12m"]["e_value"]
    assert payload["design"]["estimand"].startswith("The average effect on participants")
    assert payload["design"]["trials"] == expected["design"]["trials"]
    response = page_client(hr_admin).get(f"/insights/programs/{simulated.slug}/outcomes.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    effects = {r["outcome"]: r for r in rows if r["section"] == "effect"}
    adjusted = expected["promotion_12m"]["adjusted"]
    assert float(effects["promotion_12m"]["adjusted_difference"]) == pytest.approx(
        adjusted["estimate"], abs=1e-4
    )
    assert len([r for r in rows if r["section"] == "retention_curve"]) == 25
    balance = {r["outcome"] for r in rows if r["section"] == "balance"}
    assert {
        "high_potential",
        "is_manager",
        "job_level=2",
        "job_level=2 × high_potential",
    } <= balance
    assert {r["section"] for r in rows} >= {"design", "trial", "effect"}
    assert effects["promotion_12m"]["e_value"]
    assert AuditEntry.objects.filter(action="insights.outcomes_exported").count() == 1
    page = page_client(hr_admin).get(f"/insights/programs/{simulated.slug}/outcomes/")
    assert f"{adjusted['estimate']:.3f}" in page.content.decode()


def test_the_result_is_cached_until_the_data_changes(simulated) -> None:
    first = program_outcomes(program=simulated)
    assert program_outcomes(program=simulated) is not first  # a copy from the cache...
    assert program_outcomes(program=simulated) == first  # ...of the same result
    # A new promotion (as an import records one) is new data: a new key, a new estimate.
    person = Person.objects.filter(
        department="Simulation sim-page",
        enrollments__isnull=True,
        career_events__isnull=True,
        termination_date__isnull=True,
    ).first()
    day = simulated.start_date + dt.timedelta(days=10)
    person.career_events.create(kind="promotion", date=day, from_level=2, source="import")
    again = program_outcomes(program=simulated)
    assert again.n_comparison == first.n_comparison
    naive, before = again.outcomes["promotion_12m"].naive, first.outcomes["promotion_12m"].naive
    assert naive.estimate < before.estimate


def test_a_page_of_several_programs_finds_the_same_cache_entry(simulated) -> None:
    # The home asks the organization's version once for all programs; its key must be the one
    # the outcomes page and the worker use, or it would never find their result.
    day = simulated.start_date + dt.timedelta(days=400)
    alone = data_version(simulated, day)
    assert data_version(simulated, day, organisation_version()) == alone
    Person.objects.filter(pk=Person.objects.order_by("pk").first().pk).update(
        updated_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    )
    assert data_version(simulated, day) != alone  # a change to anyone is a new version


def test_a_program_without_a_cohort_says_why(program, program_manager) -> None:
    response = page_client(program_manager).get(f"/insights/programs/{program.slug}/outcomes/")
    assert response.status_code == 200
    assert "No conclusion yet" in response.content.decode()
    api = api_client(program_manager).get(f"/api/insights/programs/{program.slug}/outcomes")
    assert api.status_code == 200
    assert api.json()["reason"]


@pytest.mark.parametrize("who", ["mentee", "mentor", "other_manager", "outsider"])
def test_outcomes_are_404_for_everyone_else(program, program_manager, request, who) -> None:
    user = request.getfixturevalue(who)
    base = f"/insights/programs/{program.slug}"
    assert page_client(user).get(f"{base}/outcomes/").status_code == 404
    assert page_client(user).get(f"{base}/outcomes.csv").status_code == 404
    api = api_client(user).get(f"/api/insights/programs/{program.slug}/outcomes")
    assert api.status_code == 404


def test_unknown_program_is_404(hr_admin) -> None:
    assert page_client(hr_admin).get("/insights/programs/nope/outcomes/").status_code == 404
    assert api_client(hr_admin).get("/api/insights/programs/nope/outcomes").status_code == 404


def test_executives_read_outcomes_in_aggregate(simulated, executive) -> None:
    from mentorwise.people.models import Person

    page = page_client(executive).get(f"/insights/programs/{simulated.slug}/outcomes/")
    assert page.status_code == 200 and "Participants against comparable colleagues" in (
        body := page.content.decode()
    )
    for person in Person.objects.exclude(pk=executive.person_id)[:300]:
        assert person.full_name not in body
    api = api_client(executive).get(f"/api/insights/programs/{simulated.slug}/outcomes")
    assert api.status_code == 200 and "retention_12m" in api.json()


def test_the_page_never_waits_for_the_computation(simulated, program_manager_user, settings):
    """Without a cached result the page asks a worker once; it never reloads itself.

    Its status line asks again (HTMX, pausable): nothing changes while the worker computes
    (204), then it says the results are ready and stops asking (286), with a link to them.
    """
    from django_tasks import default_task_backend

    from mentorwise.insights.program_outcomes import outcomes_compute

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    cache.clear()
    client = page_client(program_manager_user)
    url = f"/insights/programs/{simulated.slug}/outcomes/"
    first, second = client.get(url), client.get(url)
    for response in (first, second):
        assert response.status_code == 200
        body = response.content.decode()
        assert "Computing the comparison" in body and 'http-equiv="refresh"' not in body
        assert f'hx-get="{url}?check=1"' in body and 'role="status"' in body
        assert f'href="{url}">Check now</a>' in body
    assert client.get(f"{url}?check=1").status_code == 204  # still computing: no change
    queued = default_task_backend.results
    assert [r.task.name for r in queued] == [outcomes_compute.name]  # asked once
    outcomes_compute.call(queued[0].args[0])  # what the worker does
    check = client.get(f"{url}?check=1")
    assert check.status_code == 286  # htmx stops polling on 286
    assert "The results are ready" in check.content.decode()
    assert f'href="{url}">Show the results</a>' in check.content.decode()
    ready = client.get(url).content.decode()
    assert "Participants against comparable colleagues" in ready
    assert "Computing the comparison" not in ready


def test_reasons_and_covariates_are_written_in_the_readers_language() -> None:
    """A reason is kept as a key and values (cached once, read in every language)."""
    import pickle

    from django.utils import translation

    from mentorwise.core.pseudo import pseudo
    from mentorwise.insights.outcome_reasons import Reason
    from mentorwise.insights.outcome_words import covariate_label, reason_words

    reason = Reason("imbalance", covariate="function=Sales × high_potential", smd="0.31", limit=0.1)
    assert reason.startswith("The comparison group could not be made similar enough")
    assert "function=Sales × high_potential" in reason  # English and stable: CSV, API
    again = pickle.loads(pickle.dumps(reason))  # noqa: S301 - our own bytes
    assert again == reason and again.key == "imbalance"
    assert covariate_label("function=Sales × high_potential") == "Function: Sales × high potential"
    with translation.override("de"):
        german = reason_words(again)
        assert "Funktion: Sales" in german and "0.31" in german
        assert german != reason_words(Reason("no_start"))
    with translation.override("en-xa"):
        assert pseudo("high potential") in covariate_label("high_potential")
    assert reason_words("an older plain text") == "an older plain text"
