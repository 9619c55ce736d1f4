"""Take the participants' marks out of the reasons and warnings stored on matches.

Both people of a pair read a match's reasons (their page, the e-mail, the API), so a stored
"Marta asked for Ana" or "vetoed" told one of them what the other marked. New matches are
stored without them (`ScoringModel.explain(marks=False)`, `why_not(marks=False)`); this
rewrites the ones stored before. The reasons were written from the people's first names, so
the exact sentences are rebuilt from those; nothing else is touched. Not reversible (the
marks themselves stay in their Preference rows).
"""

from django.db import migrations

BATCH = 1000


def _mark_sentences(mentee: str, mentor: str) -> set[str]:
    return {
        f"{mentee} and {mentor} asked for each other",
        f"{mentee} asked for {mentor}",
        f"{mentor} asked for {mentee}",
    }


def strip_marks(apps, schema_editor):
    Match = apps.get_model("matches", "Match")
    matches = Match.objects.values_list(
        "pk", "reasons", "warnings", "mentee__person__first_name", "mentor__person__first_name"
    )
    changed = []
    for pk, reasons, warnings, mentee, mentor in matches.iterator(chunk_size=BATCH):
        marks = _mark_sentences(mentee, mentor)
        kept_reasons = [r for r in reasons or [] if r not in marks]
        kept_warnings = [w for w in warnings or [] if w != "vetoed"]
        if kept_reasons != (reasons or []) or kept_warnings != (warnings or []):
            changed.append(Match(pk=pk, reasons=kept_reasons, warnings=kept_warnings))
        if len(changed) >= BATCH:
            Match.objects.bulk_update(changed, ["reasons", "warnings"])
            changed = []
    if changed:
        Match.objects.bulk_update(changed, ["reasons", "warnings"])


class Migration(migrations.Migration):
    dependencies = [("matches", "0001_initial")]

    operations = [migrations.RunPython(strip_marks, migrations.RunPython.noop)]
