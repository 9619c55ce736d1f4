"""Background tasks of matching (run by `mentorwise db_worker`)."""

from __future__ import annotations

from django_tasks import task

from mentorwise.matches.runs import run_execute


@task()
def matching_run_task(run_id: int) -> str:
    """Compute a queued matching run in the background worker (`mentorwise db_worker`)."""
    return run_execute(run_id=run_id).status
