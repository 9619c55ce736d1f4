"""Circle runs through the background worker: a large program's run is queued, the task marks
it running, solves and stores it (or its failure); one run at a time per program; the run
page and the Matching page follow it with HTMX; the API answers 202 with the status URL; the
command computes in its own process.

Tests run tasks inline (ImmediateBackend), after commit: `django_capture_on_commit_callbacks`
holds the enqueue until the test lets it go, so the queued state can be seen first. A
program is "large" here by lowering the in-request limit (runs.INLINE_PAIRS) to 0.
"""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from conftest import api_client, page_client
from mentorwise.circles import compute, runs
from mentorwise.circles.models import CircleRun, CircleRunStatus
from mentorwise.circles.tests.factories import enroll, group_program, participant
from mentorwise.core.errors import Conflict
from mentorwise.core.models import AuditEntry
from mentorwise.matching import MatchingInputError
from mentorwise.programs.models import Program


@pytest.fixture
def program(hr_admin: Any, program_manager_user: Any) -> Program:
    program = group_program(hr_admin, program_manager_user)
    for _ in range(2):
        enroll(program, "mentor", job_level=8)
    for function in ["Sales", "IT", "Finance", "Legal"] * 2:
        enroll(program, "mentee", function=function)
    return program


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every program is too large for the request: runs go to the worker."""
    monkeypatch.setattr(runs, "INLINE_PAIRS", 0)


def test_a_large_run_is_queued_then_the_task_runs_it_and_supersedes_the_last_one(
    program: Program,
    program_manager_user: Any,
    large: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    earlier = runs.circle_run_queue(actor=program_manager_user, program=program)
    earlier = compute.circle_run_execute(run_id=earlier.pk)
    assert earlier.status == CircleRunStatus.DONE
    seen: list[tuple[str, bool]] = []
    solve = compute._compute

    def watching(run: CircleRun, config: Any, limit: float) -> None:
        row = CircleRun.objects.get(pk=run.pk)  # what pages read while it solves
        seen.append((row.status, row.started_at is not None))
        solve(run, config, limit)

    monkeypatch.setattr(compute, "_compute", watching)
    with django_capture_on_commit_callbacks() as callbacks:
        run = runs.circle_run_create(actor=program_manager_user, program=program)
    assert run.status == CircleRunStatus.QUEUED and len(callbacks) == 1
    assert CircleRun.objects.get(pk=run.pk).result == {} and not seen
    callbacks[0]()  # the task, run by the immediate backend
    run.refresh_from_db()
    assert seen == [(CircleRunStatus.RUNNING, True)]
    assert run.status == CircleRunStatus.DONE, run.error
    assert run.n_members == 8 and run.n_assigned == 8 and run.finished_at is not None
    assert run.mix_weight == 1.0 and run.bound is not None
    earlier.refresh_from_db()
    assert earlier.status == CircleRunStatus.SUPERSEDED
    actions = list(
        AuditEntry.objects.filter(target_id=str(run.pk), action__startswith="circle_run.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["circle_run.created", "circle_run.finished"]


def test_a_small_run_is_computed_in_the_request(
    program: Program, program_manager_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        run = runs.circle_run_create(actor=program_manager_user, program=program)
    assert run.status == CircleRunStatus.DONE and callbacks == []


def test_the_request_stops_the_solver_sooner_than_the_worker(
    program: Program,
    program_manager_user: Any,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    limits: list[float] = []
    monkeypatch.setattr(compute, "_compute", lambda run, config, limit: limits.append(limit))
    settings.MENTORWISE_CIRCLE_TIME_LIMIT_S = 45
    runs.circle_run_create(actor=program_manager_user, program=program)  # small: in the request
    monkeypatch.setattr(runs, "INLINE_PAIRS", 0)
    with django_capture_on_commit_callbacks(execute=True):
        runs.circle_run_create(actor=program_manager_user, program=program)  # the worker
    assert limits == [runs.INLINE_TIME_LIMIT_S, 45]


def test_a_task_for_a_run_already_taken_leaves_it_alone(
    program: Program, program_manager_user: Any
) -> None:
    run = runs.circle_run_queue(actor=program_manager_user, program=program)
    CircleRun.objects.filter(pk=run.pk).update(status=CircleRunStatus.RUNNING)
    again = compute.circle_run_execute(run_id=run.pk)
    assert again.status == CircleRunStatus.RUNNING and again.result == {}


def test_a_run_the_solver_refuses_is_failed_with_the_reason_on_its_page_and_in_the_api(
    program: Program,
    program_manager_user: Any,
    large: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def refuse(*args: Any) -> None:
        raise MatchingInputError("min_size = 9: must be <= max_size = 5")

    monkeypatch.setattr(compute, "_solve", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.circle_run_create(actor=program_manager_user, program=program)
    run.refresh_from_db()
    assert run.status == CircleRunStatus.FAILED and "min_size = 9" in run.error
    assert run.finished_at is not None
    page = page_client(program_manager_user).get(f"/circles/runs/{run.pk}/")
    assert b"The run failed: min_size = 9" in page.content
    assert b"Publish: form these circles" not in page.content
    api = api_client(program_manager_user).get(f"/api/circles/runs/{run.pk}").json()
    assert api["status"] == "failed" and "min_size = 9" in api["error"]
    # A failed run does not block the next one.
    monkeypatch.undo()
    runs.circle_run_queue(actor=program_manager_user, program=program)


def test_an_unexpected_error_fails_the_run_and_reaches_the_logs(
    program: Program, program_manager_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(compute, "_solve", crash)
    run = runs.circle_run_queue(actor=program_manager_user, program=program)
    with pytest.raises(RuntimeError):
        compute.circle_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == CircleRunStatus.FAILED and run.error == "Unexpected error: RuntimeError"


def test_a_second_run_while_one_is_queued_is_a_conflict_everywhere(
    program: Program,
    program_manager_user: Any,
    large: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    done = compute.circle_run_execute(
        run_id=runs.circle_run_queue(actor=program_manager_user, program=program).pk
    )
    with django_capture_on_commit_callbacks():
        queued = runs.circle_run_create(actor=program_manager_user, program=program)
    assert queued.status == CircleRunStatus.QUEUED
    with pytest.raises(Conflict) as refused:
        runs.circle_run_create(actor=program_manager_user, program=program)
    assert refused.value.code == "run_in_progress"
    client = page_client(program_manager_user)
    page = client.post(f"/circles/program/{program.slug}/runs/", follow=True)
    assert b"already in progress" in page.content
    api = api_client(program_manager_user, "admin").post(
        f"/api/circles/programs/{program.slug}/runs"
    )
    assert api.status_code == 409 and api.json()["code"] == "run_in_progress"
    # Publishing the older run now would form circles the queued run is placing again.
    with pytest.raises(Conflict) as not_now:
        runs.circle_run_publish(actor=program_manager_user, run=done)
    assert not_now.value.code == "run_in_progress"
    assert CircleRun.objects.filter(program=program).count() == 2
    assert not program.circles.exists()


def test_the_run_page_polls_while_queued_and_running_then_reloads_into_the_review(
    program: Program,
    program_manager_user: Any,
    large: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = page_client(program_manager_user)
    with django_capture_on_commit_callbacks() as callbacks:
        started = client.post(f"/circles/program/{program.slug}/runs/")
    run = CircleRun.objects.get(program=program)
    assert started.status_code == 302 and started["Location"] == f"/circles/runs/{run.pk}/"
    url = started["Location"]
    page = client.get(url).content.decode()
    assert "is queued: waiting for the background worker" in page
    assert f'hx-get="{url}"' in page and 'hx-trigger="every 2s"' in page
    assert "Proven bound" not in page and "runs in the background" in page
    partial = client.get(url, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<h1" not in body and 'id="run-progress"' in body and "is queued" in body
    assert "HX-Refresh" not in partial
    CircleRun.objects.filter(pk=run.pk).update(status=CircleRunStatus.RUNNING)
    running = client.get(url, HTTP_HX_REQUEST="true")
    assert "is running" in running.content.decode() and "HX-Refresh" not in running
    CircleRun.objects.filter(pk=run.pk).update(status=CircleRunStatus.QUEUED)
    callbacks[0]()
    finished = client.get(url, HTTP_HX_REQUEST="true")
    assert finished["HX-Refresh"] == "true" and "hx-get" not in finished.content.decode()
    review = client.get(url).content.decode()
    assert "Proven bound" in review and "Publish: form these circles" in review
    assert "hx-trigger" not in review


def test_the_matching_page_loads_the_run_state_which_polls_while_the_run_is_computed(
    program: Program,
    program_manager_user: Any,
    large: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = page_client(program_manager_user)
    latest = f"/circles/program/{program.slug}/runs/latest/"
    matching = client.get(f"/matching/programs/{program.slug}/").content.decode()
    assert f'hx-get="{latest}"' in matching and 'hx-trigger="load"' in matching
    assert "Run circle matching" in matching  # without JavaScript, the button is there
    empty = client.get(latest, HTTP_HX_REQUEST="true").content.decode()
    assert "Run circle matching" in empty and "hx-trigger" not in empty
    with django_capture_on_commit_callbacks() as callbacks:
        run = runs.circle_run_create(actor=program_manager_user, program=program)
    state = client.get(latest, HTTP_HX_REQUEST="true").content.decode()
    assert f"Run #{run.pk}</a> is queued" in state and 'hx-trigger="every 2s"' in state
    assert "disabled" in state and "<h1" not in state
    callbacks[0]()
    done = client.get(latest, HTTP_HX_REQUEST="true").content.decode()
    assert f"Run #{run.pk}</a> is done: 8 of 8 members placed" in done
    assert "hx-trigger" not in done and "disabled" not in done
    full = client.get(latest)  # as a full page: the program's circles
    assert full.status_code == 200 and b"<h1" in full.content and b"is done" in full.content


def test_the_api_answers_202_and_the_status_url_gives_the_result_once_done(
    program: Program,
    program_manager_user: Any,
    large: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = api_client(program_manager_user, "admin")
    with django_capture_on_commit_callbacks() as callbacks:
        made = client.post(f"/api/circles/programs/{program.slug}/runs")
    assert made.status_code == 202, made.content
    body = made.json()
    assert body["status"] == "queued" and body["circles"] is None and body["reasons"] is None
    assert body["status_url"] == f"/api/circles/runs/{body['id']}"
    queued = client.get(body["status_url"]).json()
    assert queued["status"] == "queued" and queued["started_at"] is None
    callbacks[0]()
    done = client.get(body["status_url"]).json()
    assert done["status"] == "done" and done["placed"] == 8 and done["finished_at"]
    assert sum(len(c["members"]) for c in done["circles"]) == 8
    assert len(done["reasons"]) == 8


def test_the_api_answers_202_with_the_result_of_a_small_program_at_once(
    program: Program, program_manager_user: Any
) -> None:
    made = api_client(program_manager_user, "admin").post(
        f"/api/circles/programs/{program.slug}/runs"
    )
    assert made.status_code == 202 and made.json()["status"] == "done"
    assert len(made.json()["reasons"]) == 8


def test_other_managers_and_participants_reach_no_run_state(
    program: Program, program_manager_user: Any, hr_admin: Any, other_manager: Any
) -> None:
    group_program(hr_admin, other_manager, slug="circles-other")  # manages another one
    member, _ = participant(program, "mentee")
    lead, _ = participant(program, "mentor", job_level=8)
    run = runs.circle_run_queue(actor=program_manager_user, program=program)
    for who in (other_manager, member, lead):
        client = page_client(who)
        for url in (f"/circles/runs/{run.pk}/", f"/circles/program/{program.slug}/runs/latest/"):
            assert client.get(url).status_code == 404, (who, url)
            assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404, (who, url)
        assert client.post(f"/circles/program/{program.slug}/runs/").status_code == 404
        api = api_client(who, "admin")
        assert api.get(f"/api/circles/runs/{run.pk}").status_code == 404
        made = api.post(f"/api/circles/programs/{program.slug}/runs")
        assert made.status_code == 404
    assert CircleRun.objects.filter(program=program).count() == 1


def test_the_command_computes_a_large_run_in_its_own_process(
    program: Program, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    out = StringIO()
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("circle_run", program.slug, stdout=out)
    assert callbacks == []  # no task: nothing waits for a worker
    assert "Computing circle run #" in out.getvalue()
    assert "8 of 8 members placed in 2 circles" in out.getvalue()
    assert CircleRun.objects.get(program=program).status == CircleRunStatus.DONE


def test_the_command_names_a_run_in_progress(program: Program, program_manager_user: Any) -> None:
    from django.core.management.base import CommandError

    runs.circle_run_queue(actor=program_manager_user, program=program)
    with pytest.raises(CommandError, match="already in progress"):
        call_command("circle_run", program.slug, stdout=StringIO())


def test_the_run_records_the_settings_it_was_queued_with(
    program: Program, program_manager_user: Any
) -> None:
    options = {**program.matching.get("options", {}), "circle_mix_weight": 2.5}
    Program.objects.filter(pk=program.pk).update(matching={**program.matching, "options": options})
    program.refresh_from_db()
    run = runs.circle_run_queue(actor=program_manager_user, program=program)
    assert run.mix_weight == 2.5 and json.dumps(run.result) == "{}"
