"""Background tasks of circles (run by `mentorwise db_worker`)."""

from __future__ import annotations

from django_tasks import task

from mentorwise.circles.compute import circle_run_execute


@task()
def circle_run_task(run_id: int) -> str:
    """Compute a queued circle run in the background worker (`mentorwise db_worker`)."""
    return circle_run_execute(run_id=run_id).status
