import django.db.models.functions.text
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from mentorwise.people.search import NAME_SEARCH_TABLE, ensure_name_search_index


def create_name_search(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    ensure_name_search_index(schema_editor.connection)


def drop_name_search(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for suffix in ("insert", "update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME_SEARCH_TABLE}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {NAME_SEARCH_TABLE}")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_first_name_trgm_idx")
        schema_editor.execute("DROP INDEX IF EXISTS person_last_name_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_merge_import_bio_termination"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                django.db.models.functions.text.Lower("email"), name="person_email_lower_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                django.db.models.functions.text.Lower("employee_id"),
                name="person_employee_id_lower_idx",
            ),
        ),
        migrations.RunPython(create_name_search, drop_name_search, elidable=False),
    ]
