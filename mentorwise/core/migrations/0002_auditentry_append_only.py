"""The database itself refuses to change or delete audit entries.

The model refuses save-on-existing and delete(), but a queryset's update()/delete() or raw
SQL would not go through it. These triggers close that path:

- PostgreSQL: BEFORE UPDATE and BEFORE DELETE row triggers raise.
- SQLite: a BEFORE UPDATE trigger raises. Deleting rows stays possible on SQLite only
  because Django's test-database flush empties tables with DELETE (PostgreSQL's flush uses
  TRUNCATE, which row triggers do not see); the application has no path that deletes them.

One update stays allowed on both: setting `actor_id` to NULL with nothing else changed,
which is what the foreign key's ON DELETE SET NULL does when a login is deleted. The
entry keeps its `actor_label`.
"""

from django.db import migrations

_UNCHANGED = " AND ".join(
    f"NEW.{column} IS NOT DISTINCT FROM OLD.{column}"
    for column in (
        "id",
        "created_at",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "data",
    )
)

POSTGRES_FORWARD = [
    f"""
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL AND {_UNCHANGED} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql""",
    "CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry"
    " FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only()",
    "CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry"
    " FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only()",
]

POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update ON core_auditentry",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete ON core_auditentry",
    "DROP FUNCTION IF EXISTS core_auditentry_append_only()",
]

# SQLite spells "is not distinct from" as IS.
SQLITE_FORWARD = [
    f"""
CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
WHEN NOT (NEW.actor_id IS NULL AND {_UNCHANGED.replace("IS NOT DISTINCT FROM", "IS")})
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only (UPDATE refused)');
END""",
]

SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS core_auditentry_no_update"]


def _run(schema_editor, statements):
    for sql in statements:
        # params=None: no placeholder processing (the PL/pgSQL format string holds a %).
        schema_editor.execute(sql, params=None)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, {"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}.get(vendor, []))


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}
    _run(schema_editor, statements.get(vendor, []))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
