"""Runs that will never finish: a matching or circle run still queued, or still running,
`MENTORWISE_RUN_STALE_MINUTES` after it was queued or started (the worker stopped, or none
is running). Left as they are they would block every new run of their program, so the
next attempt to start one marks them failed with the reason, audited, and goes ahead.

One rule for both kinds of run (pair runs here, circle runs in mentorwise.circles): both
models have `status` (queued, running, failed), `created_at`, `started_at`, `finished_at`
and `error`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mentorwise.core.audit import audit_record


def runs_abandon_stale(runs: QuerySet[Any], *, action: str, now: dt.datetime | None = None) -> int:
    """Mark the stale runs among `runs` failed (with the reason, audited as `action`);
    returns how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.MENTORWISE_RUN_STALE_MINUTES)
    stale = list(
        runs.filter(
            Q(status="queued", created_at__lt=cutoff) | Q(status="running", started_at__lt=cutoff)
        )
    )
    with translation.override(settings.LANGUAGE_CODE):  # stored, read by all
        reason = _(
            "Not finished: this run was still %(status)s after %(minutes)s minutes, so the "
            "background worker has stopped or is not running. Start the run again; if it "
            "stays queued, ask your administrator to check the worker."
        )
    for run in stale:
        was = run.get_status_display().lower()
        run.status, run.finished_at = "failed", now
        run.error = reason % {"status": was, "minutes": settings.MENTORWISE_RUN_STALE_MINUTES}
        run.save(update_fields=["status", "finished_at", "error"])
        audit_record(actor=None, action=action, target=run, data={"status": was})
    return len(stale)
