from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


class PeopleConfig(AppConfig):
    name = "mentorwise.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        post_migrate.connect(_name_search_index, sender=self)


def _name_search_index(*, using: str, **kwargs: Any) -> None:
    # A migration that rebuilds the people table on SQLite (copy, drop, rename) drops the
    # triggers that keep the name search in step: put them back after every migrate.
    from django.db.migrations.recorder import MigrationRecorder

    from mentorwise.people.search import ensure_name_search_index

    db = connections[using]
    if ("people", _INDEX_MIGRATION) in MigrationRecorder(db).applied_migrations():
        ensure_name_search_index(db)


_INDEX_MIGRATION = "0006_person_search_indexes"
