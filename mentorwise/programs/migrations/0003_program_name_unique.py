"""Program names are unique (upper and lower case alike).

Existing duplicates would make the constraint fail, so they are told apart first: the
oldest program keeps its name, later ones get " (2)", " (3)"... (a name nobody has yet).
Nothing else changes; the renamed programs are listed in the migration's output.
"""

import django.db.models.functions.text
from django.db import migrations, models


def tell_duplicates_apart(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    programs = list(Program.objects.order_by("created_at", "pk"))
    existing = {p.name.lower() for p in programs}  # a new name must clash with none of them
    seen = set()
    renamed = []
    for program in programs:
        key = program.name.lower()
        if key not in seen:
            seen.add(key)
            continue
        n = 2
        while True:
            suffix = f" ({n})"
            candidate = program.name[: 200 - len(suffix)] + suffix
            if candidate.lower() not in existing:
                break
            n += 1
        renamed.append((program.name, candidate))
        program.name = candidate
        program.save(update_fields=["name"])
        existing.add(candidate.lower())
        seen.add(candidate.lower())
    for old, new in renamed:
        print(f"  Program names must be unique: renamed one “{old}” to “{new}”.")  # noqa: T201


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_program_lifecycle_settings"),
    ]

    operations = [
        migrations.RunPython(tell_duplicates_apart, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="program",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("name"), name="program_name_unique_ci"
            ),
        ),
    ]
