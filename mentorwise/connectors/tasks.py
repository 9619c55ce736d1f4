"""The scheduled connectors as a background task, for installations that run the worker
(`mentorwise db_worker`) and enqueue from their scheduler instead of cron."""

from __future__ import annotations

from django_tasks import task

from mentorwise.connectors.services import sync_due


@task()
def sync_hris_task() -> str:
    """Run every HR connector that is due (what `mentorwise sync-hris --all-due` does)."""
    return sync_due().summary()
