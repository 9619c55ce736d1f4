"""API: HR connectors (HR admins only; anyone else: 404). List them, test one, run one.

Settings are created and changed on the Connectors page (the secret is typed there and never
leaves the server again); the API shows no secret, ever.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from mentorwise.api.errors import ERRORS, WRITE_ERRORS
from mentorwise.connectors.models import Connector, ConnectorRun, RunTrigger
from mentorwise.connectors.permissions import (
    access_connector,
    can_manage_connectors,
    connectors_visible_to,
)
from mentorwise.connectors.services import connector_run, connector_test
from mentorwise.core.errors import NotFound

router = Router()


class ConnectorRunOut(Schema):
    id: int
    started_at: dt.datetime
    trigger: str = Field(description="schedule, page, command, api or confirm.")
    dry_run: bool = Field(description="A preview: nothing was written.")
    outcome: str = Field(
        description="imported, previewed, nothing (nothing new), held (too many "
        "terminations: an HR admin confirms on the connector's page), refused (the import "
        "checks found problems), failed (the source could not be read)."
    )
    records: int = Field(description="Records fetched from the source.")
    created: int
    updated: int
    terminated: int
    held_terminations: int | None = Field(description="Held runs: terminations to confirm.")
    error: str = Field(description="Why the run failed or was refused; never a secret.")
    import_run_id: int | None = Field(
        description="The people import run (its page: /people/import/runs/{id}/)."
    )


class ConnectorOut(Schema):
    id: int
    name: str
    kind: str = Field(description="workday, successfactors, bamboohr or sftp.")
    mode: str = Field(description="full (whole workforce) or delta (changes since the last run).")
    schedule: str = Field(description="manual, hourly or daily.")
    enabled: bool
    next_due: dt.datetime | None = Field(description="When the schedule runs it next.")
    last_run: ConnectorRunOut | None


class TestOut(Schema):
    ok: bool
    message: str = Field(description="What was found, or the exact failure (never a secret).")


class ConnectorRunIn(Schema):
    dry_run: bool = Field(False, description="Preview: fetch and check, write nothing.")
    confirm_terminations: int | None = Field(
        None,
        ge=0,
        le=10_000_000,
        description="A whole-workforce run over the termination limit is held unless this is "
        "at least the number of terminations it makes (as the preview's held_terminations).",
    )


def _connector_out(connector: Connector) -> ConnectorOut:
    last = connector.runs.order_by("-started_at", "-id").first()
    return ConnectorOut(
        id=connector.pk,
        name=connector.name,
        kind=connector.kind,
        mode=connector.mode,
        schedule=connector.schedule,
        enabled=connector.enabled,
        next_due=connector.next_due(),
        last_run=_run_out(last) if last else None,
    )


def _run_out(run: ConnectorRun) -> ConnectorRunOut:
    return ConnectorRunOut(
        id=run.pk,
        started_at=run.started_at,
        trigger=run.trigger,
        dry_run=run.dry_run,
        outcome=run.outcome,
        records=run.records,
        created=run.created,
        updated=run.updated,
        terminated=run.terminated,
        held_terminations=run.held_terminations,
        error=run.error,
        import_run_id=run.import_run_id,
    )


@router.get("", response={200: list[ConnectorOut], **ERRORS}, summary="List HR connectors")
def connector_list(request: HttpRequest) -> list[ConnectorOut]:
    """Every connector with its last run and next scheduled run (HR admins; others: 404)."""
    if not can_manage_connectors(request.user):
        raise NotFound("No such page.")
    return [_connector_out(c) for c in connectors_visible_to(request.user)]


@router.post(
    "/{connector_id}/test",
    response={200: TestOut, **WRITE_ERRORS},
    summary="Test an HR connector's connection",
)
def connector_test_post(request: HttpRequest, connector_id: int) -> TestOut:
    """Sign in and read one page (SFTP: list the directory), once, without retries.
    A failure is still 200 with `ok: false` and the reason; audited (`connector.tested`)."""
    connector = access_connector(actor=request.user, connector_id=connector_id)
    outcome = connector_test(actor=request.user, connector=connector)
    return TestOut(ok=outcome.ok, message=outcome.message)


@router.post(
    "/{connector_id}/run",
    response={200: ConnectorRunOut, **WRITE_ERRORS},
    summary="Run an HR connector now",
)
def connector_run_post(
    request: HttpRequest, connector_id: int, data: ConnectorRunIn
) -> ConnectorRunOut:
    """Fetch every page, then import (or preview with `dry_run`). The run's outcome says
    what happened; a failed fetch or refused import is still 200 (the run is recorded).
    Audited (`connector.run`, and `people.imported` when it imported)."""
    connector = access_connector(actor=request.user, connector_id=connector_id)
    run = connector_run(
        actor=request.user,
        connector=connector,
        dry_run=data.dry_run,
        confirmed_terminations=data.confirm_terminations,
        trigger=RunTrigger.API,
    )
    return _run_out(run)
