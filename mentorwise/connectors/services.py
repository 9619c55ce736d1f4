"""HR connector use cases: keep a connector's settings and sealed secret, test it, run it
(fetch every page, then hand the canonical rows to the people import, all or nothing), and
run those the schedule says are due (`mentorwise sync-hris`, cron or the worker).

Only HR admins (or the system: the command line and the schedule) may do any of it. The
secret is sealed (core.sealed) and never put in a message, a log line or an audit entry.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor, User
from mentorwise.connectors.canonical import COLUMNS, Fetched
from mentorwise.connectors.http import FetchError, HttpClient, scrub
from mentorwise.connectors.models import (
    Connector,
    ConnectorKind,
    ConnectorRun,
    RunOutcome,
    RunTrigger,
    ScheduleKind,
    SyncMode,
)
from mentorwise.connectors.permissions import require_can_manage
from mentorwise.connectors.sources import Job, source_module
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import Conflict, FieldError, InvalidInput
from mentorwise.core.plain_http import scheme_allowed
from mentorwise.core.sealed import CannotOpen, seal, unseal
from mentorwise.people.models import ImportRun, ImportSource
from mentorwise.people.services import (
    ImportResult,
    TerminationsNeedConfirmation,
    people_import,
)

logger = logging.getLogger(__name__)

# The settings a connector keeps in plain text (the secret is apart, sealed).
SETTINGS = (
    "name",
    "kind",
    "base_url",
    "port",
    "username",
    "tenant",
    "path",
    "report_format",
    "delta_parameter",
    "host_key",
    "field_map",
    "mode",
    "schedule",
    "every_hours",
    "daily_at",
    "enabled",
)
HTTP_KINDS = (ConnectorKind.WORKDAY, ConnectorKind.SUCCESSFACTORS, ConnectorKind.BAMBOOHR)


def settings_problems(connector: Connector, *, secret_given: bool) -> list[FieldError]:
    """What is missing or wrong in a connector's settings, by field."""
    problems = []

    def need(field: str, label: str) -> None:
        if not str(getattr(connector, field) or "").strip():
            problems.append(FieldError(field, _("%(what)s is required.") % {"what": label}))

    need("name", _("A name"))
    if connector.kind not in ConnectorKind.values:
        problems.append(FieldError("kind", _("Choose a kind of connector.")))
    if connector.kind in HTTP_KINDS:
        if connector.kind != ConnectorKind.BAMBOOHR or connector.base_url:
            need("base_url", _("The base URL"))
            if connector.base_url and not scheme_allowed(connector.base_url):
                problems.append(FieldError("base_url", _("The base URL starts with https://.")))
        need("tenant", _("The tenant or company id"))
    if connector.kind in (ConnectorKind.WORKDAY, ConnectorKind.SUCCESSFACTORS):
        need("username", _("The integration user"))
    if connector.kind == ConnectorKind.WORKDAY:
        need("path", _("The report (owner/report name)"))
        if connector.report_format not in ("json", "csv"):
            problems.append(FieldError("report_format", _("The format is json or csv.")))
    if connector.kind == ConnectorKind.SFTP:
        need("base_url", _("The host"))
        need("username", _("The user"))
        need("host_key", _("The server's host key (SHA256:...)"))
        if connector.host_key and not connector.host_key.startswith("SHA256:"):
            problems.append(
                FieldError("host_key", _("Give the key as SHA256:... (ssh-keygen -lf)."))
            )
    if not isinstance(connector.field_map, dict) or any(
        key not in COLUMNS or not isinstance(value, str)
        for key, value in (connector.field_map or {}).items()
    ):
        problems.append(
            FieldError(
                "field_map",
                _("Field overrides map column names (%(columns)s) to vendor field names.")
                % {"columns": ", ".join(COLUMNS)},
            )
        )
    if connector.schedule == ScheduleKind.HOURLY and not 1 <= connector.every_hours <= 168:
        problems.append(FieldError("every_hours", _("Every 1 to 168 hours.")))
    if not secret_given:
        problems.append(
            FieldError("secret", _("The password, API key or private key is required."))
        )
    return problems


def _validate(connector: Connector, *, secret_given: bool) -> None:
    problems = settings_problems(connector, secret_given=secret_given)
    clash = Connector.objects.filter(name=connector.name).exclude(pk=connector.pk).exists()
    if clash:
        problems.append(FieldError("name", _("Another connector has this name.")))
    if problems:
        raise InvalidInput(problems)


@transaction.atomic
def connector_create(*, actor: Actor, values: dict[str, Any], secret: str) -> Connector:
    """A new connector; `values` holds SETTINGS, `secret` the credential (sealed here)."""
    require_can_manage(actor)
    connector = Connector(**{k: v for k, v in values.items() if k in SETTINGS})
    _validate(connector, secret_given=bool(secret))
    connector.secret_sealed = seal(secret)
    connector.save()
    audit_record(
        actor=actor,
        action="connector.created",
        target=connector,
        data={"kind": connector.kind, "mode": connector.mode, "schedule": connector.schedule},
    )
    return connector


@transaction.atomic
def connector_update(
    *, actor: Actor, connector: Connector, values: dict[str, Any], secret: str = ""
) -> Connector:
    """Change settings; an empty `secret` keeps the stored one (it is never shown back)."""
    require_can_manage(actor)
    changed = [k for k in SETTINGS if k in values and getattr(connector, k) != values[k]]
    for key in changed:
        setattr(connector, key, values[key])
    _validate(connector, secret_given=bool(secret) or connector.has_secret)
    if secret:
        connector.secret_sealed = seal(secret)
    if changed or secret:
        if {"kind", "base_url", "tenant", "path", "mode"} & set(changed):
            # Another source: the next run starts over (no delta from the old cursor).
            connector.cursor_at, connector.last_file = None, {}
        connector.updated_at = timezone.now()
        connector.save()
        data: dict[str, Any] = {"fields": changed}
        if secret:
            data["secret_replaced"] = True  # that it changed, never what it is
        audit_record(actor=actor, action="connector.updated", target=connector, data=data)
    return connector


@transaction.atomic
def connector_delete(*, actor: Actor, connector: Connector) -> None:
    """Delete a connector and its run history (the import runs it made stay in People)."""
    require_can_manage(actor)
    audit_record(
        actor=actor, action="connector.deleted", target=connector, data={"kind": connector.kind}
    )
    connector.delete()


# Running ---------------------------------------------------------------------------------


def _secret(connector: Connector) -> str:
    try:
        return unseal(connector.secret_sealed) if connector.secret_sealed else ""
    except CannotOpen as error:
        raise FetchError(
            _(
                "The stored credential cannot be opened with the configured encryption keys "
                "(MENTORWISE_ENCRYPTION_KEYS): enter it again."
            )
        ) from error


def _job(connector: Connector, since: dt.datetime | None, *, retries: int) -> Job:
    secret = _secret(connector)
    job = Job(connector=connector, secret=secret, since=since, http=HttpClient(retries=retries))
    module = source_module(connector.kind)
    if hasattr(module, "authorization"):
        job.http.authorization = module.authorization(job)
        job.http.secrets = (secret, job.http.authorization.removeprefix("Basic "))
    return job


@dataclass
class TestOutcome:
    ok: bool
    message: str


def connector_test(*, actor: Actor, connector: Connector) -> TestOutcome:
    """Authenticate and read one page (or list the SFTP directory), once, without retries:
    what was found, or the exact failure (never the secret)."""
    require_can_manage(actor)
    secret = ""
    try:
        job = _job(connector, None, retries=0)
        secret = job.secret
        outcome = TestOutcome(True, source_module(connector.kind).probe(job))
    except FetchError as error:
        outcome = TestOutcome(False, scrub(error.message, secret))
    logger.info("connector %s tested: %s", connector.name, "ok" if outcome.ok else "failed")
    audit_record(
        actor=actor,
        action="connector.tested",
        target=connector,
        data={"outcome": "ok" if outcome.ok else "failed"},
    )
    return outcome


def _label(actor: Actor) -> str:
    return str(actor.get_username())[:200] if isinstance(actor, User) else "system"


def connector_run(
    *,
    actor: Actor,
    connector: Connector,
    dry_run: bool = False,
    confirmed_terminations: int | None = None,
    trigger: RunTrigger = RunTrigger.COMMAND,
    today: dt.date | None = None,
) -> ConnectorRun:
    """Fetch every page of the source, then import the rows (a preview when `dry_run`).

    Nothing is imported unless the whole fetch succeeded; the import itself is all or
    nothing. The run records what happened and links the people import run; only a run
    that imported advances the delta cursor. A whole-workforce run over the termination
    limit is held (`RunOutcome.HELD`, `held_terminations`) unless `confirmed_terminations`
    covers it. The preview's ImportResult is on `run.preview`.
    """
    require_can_manage(actor)
    started = timezone.now()
    since = connector.cursor_at if connector.mode == SyncMode.DELTA else None
    run = ConnectorRun.objects.create(
        connector=connector,
        started_at=started,
        actor=actor if isinstance(actor, User) else None,
        actor_label=_label(actor),
        trigger=trigger,
        mode=connector.mode,
        dry_run=dry_run,
        since=since,
        outcome=RunOutcome.RUNNING,
    )
    run.preview = None  # type: ignore[attr-defined]
    if not dry_run:
        Connector.objects.filter(pk=connector.pk).update(last_attempt_at=started)
        connector.last_attempt_at = started
    secret = ""
    try:
        job = _job(connector, since, retries=5)
        secret = job.secret
        fetched = source_module(connector.kind).fetch(job)
    except FetchError as error:
        return _finish(run, RunOutcome.FAILED, error=scrub(error.message, secret))
    except Exception:
        # A fault of the connector itself: the run is still recorded as failed, never left
        # "running"; the traceback goes to the server log (it holds no credential).
        logger.exception("connector %s run %s: unexpected error", connector.name, run.pk)
        return _finish(
            run,
            RunOutcome.FAILED,
            error=_("Unexpected error while reading the source: see the server log."),
        )
    run.records, run.pages, run.source_file = fetched.records, fetched.pages, fetched.source_file
    if fetched.nothing_new:
        return _finish(run, RunOutcome.NOTHING_NEW)
    if not fetched.raw_csv and not fetched.rows:
        if connector.mode == SyncMode.DELTA:
            _advance(connector, started, fetched, dry_run=dry_run)
            return _finish(run, RunOutcome.NOTHING_NEW)
        return _finish(run, RunOutcome.FAILED, error=_("The source returned nobody."))
    return _import(run, connector, fetched, started, dry_run, confirmed_terminations, today)


def _import(
    run: ConnectorRun,
    connector: Connector,
    fetched: Fetched,
    started: dt.datetime,
    dry_run: bool,
    confirmed: int | None,
    today: dt.date | None,
) -> ConnectorRun:
    data = fetched.csv_bytes()
    full = connector.mode == SyncMode.FULL
    options: dict[str, Any] = {
        "actor": run.actor,
        "data": data,
        "file_name": run.file_name,
        "full": full,
        "source": ImportSource.CONNECTOR,
        "today": today,
    }
    preview: ImportResult | None = None
    try:
        if dry_run or full:
            preview = people_import(**options, dry_run=True, confirmed_terminations=confirmed)
            run.preview = preview  # type: ignore[attr-defined]
        if dry_run and preview is not None:
            _counts(run, preview)
            if preview.needs_confirmation:
                run.held_terminations = preview.leaving
            return _finish(run, RunOutcome.PREVIEWED)
        result = people_import(**options, confirmed_terminations=confirmed)
    except TerminationsNeedConfirmation as error:
        run.held_terminations = preview.leaving if preview else None
        run.terminated = run.held_terminations or 0
        run.error = str(error.errors[0].message) if error.errors else error.message
        return _finish(run, RunOutcome.HELD, linked=True)
    except InvalidInput as error:
        run.errors = error.total
        run.error = "; ".join(str(e) for e in error.errors[:3])
        return _finish(run, RunOutcome.REFUSED, linked=True)
    _counts(run, result)
    _advance(connector, started, fetched, dry_run=False)
    return _finish(run, RunOutcome.IMPORTED, linked=True)


def _counts(run: ConnectorRun, result: ImportResult) -> None:
    run.created, run.updated, run.terminated = result.created, result.updated, result.leaving


def _advance(
    connector: Connector, started: dt.datetime, fetched: Fetched, *, dry_run: bool
) -> None:
    """After a successful import: the next delta asks for changes since this run began."""
    if dry_run:
        return
    connector.cursor_at = started
    if fetched.signature:
        connector.last_file = fetched.signature
    Connector.objects.filter(pk=connector.pk).update(
        cursor_at=connector.cursor_at, last_file=connector.last_file
    )


def _finish(
    run: ConnectorRun, outcome: RunOutcome, *, error: str = "", linked: bool = False
) -> ConnectorRun:
    run.outcome = outcome
    run.error = error or run.error
    run.finished_at = timezone.now()
    if linked:
        run.import_run = (
            ImportRun.objects.filter(source=ImportSource.CONNECTOR, file_name=run.file_name)
            .order_by("-id")
            .first()
        )
    run.save()
    data: dict[str, Any] = {
        "outcome": outcome.value,
        "dry_run": run.dry_run,
        "trigger": run.trigger,
        "records": run.records,
    }
    if outcome in (RunOutcome.IMPORTED, RunOutcome.PREVIEWED):
        data.update(created=run.created, updated=run.updated, terminated=run.terminated)
    if run.held_terminations is not None:
        data["held_terminations"] = run.held_terminations
    if run.import_run_id:
        data["import_run"] = run.import_run_id
    audit_record(actor=run.actor, action="connector.run", target=run.connector, data=data)
    log = logger.warning if outcome in (RunOutcome.FAILED, RunOutcome.REFUSED) else logger.info
    log(
        "connector %s run %s: %s (%s records, %s pages)%s",
        run.connector.name,
        run.pk,
        outcome.value,
        run.records,
        run.pages,
        f": {run.error}" if run.error else "",
    )
    return run


def connector_confirm(*, actor: Actor, run: ConnectorRun, confirmed: int) -> ConnectorRun:
    """Run a held connector again with the terminations the HR admin saw confirmed; if the
    new fetch would terminate more than that, it is held again."""
    require_can_manage(actor)
    if not run.awaits_confirmation:
        raise Conflict(_("This run is not waiting for a confirmation."))
    if run.held_terminations is None or confirmed != run.held_terminations:
        raise InvalidInput(
            [FieldError("confirm_terminations", _("Confirm the number of terminations shown."))]
        )
    new = connector_run(
        actor=actor,
        connector=run.connector,
        confirmed_terminations=confirmed,
        trigger=RunTrigger.CONFIRM,
    )
    ConnectorRun.objects.filter(pk=run.pk).update(confirmed_by=new)
    run.confirmed_by = new
    return new


def connectors_due(now: dt.datetime | None = None) -> list[Connector]:
    now = now or timezone.now()
    return [c for c in Connector.objects.filter(enabled=True) if c.is_due(now)]


@dataclass
class SyncSummary:
    runs: list[ConnectorRun]

    def summary(self) -> str:
        if not self.runs:
            return _("No HR connector was due.")
        return " ".join(
            _("%(name)s: %(outcome)s.")
            % {"name": r.connector.name, "outcome": r.get_outcome_display()}
            for r in self.runs
        )


def sync_due(*, now: dt.datetime | None = None, dry_run: bool = False) -> SyncSummary:
    """Run every enabled connector the schedule says is due (the cron job and the worker).
    Each is claimed first, so two hosts never run the same connector at once; one failing
    never stops the others."""
    now = now or timezone.now()
    runs = []
    for connector in connectors_due(now):
        if not dry_run:
            claimed = Connector.objects.filter(
                pk=connector.pk, last_attempt_at=connector.last_attempt_at
            ).update(last_attempt_at=now)
            if not claimed:
                continue
        try:
            runs.append(
                connector_run(
                    actor=None, connector=connector, dry_run=dry_run, trigger=RunTrigger.SCHEDULE
                )
            )
        except Exception:
            logger.exception("connector %s: the scheduled run failed", connector.name)
    return SyncSummary(runs)
