from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LearningConfig(AppConfig):
    name = "mentorwise.learning"
    label = "learning"
    verbose_name = "Learning"

    def ready(self) -> None:
        post_migrate.connect(_sync_builtin_modules, sender=self)


def _sync_builtin_modules(using: str = "default", **kwargs: Any) -> None:
    """After `migrate`, bring the built-in training modules up to date with their files."""
    from django.db import connections

    from mentorwise.learning.models import TrainingModule
    from mentorwise.learning.services import modules_sync_builtin

    # A partial migrate (another app, or learning rolled back) may leave no table to fill.
    if TrainingModule._meta.db_table not in connections[using].introspection.table_names():
        return
    result = modules_sync_builtin(actor=None)
    if kwargs.get("verbosity", 1) >= 2 and (result.created or result.updated or result.retired):
        print(  # noqa: T201
            f"Training modules: {len(result.created)} added, {len(result.updated)} updated, "
            f"{len(result.retired)} retired."
        )
