"""Timeline entries name their moment (`at`) so each reader sees it in their own zone; a
relationship's last meeting is never one from before the relationship began."""

from django.db import migrations, models
from django.db.models import Max


def last_meeting_within_span(apps, schema_editor):  # type: ignore[no-untyped-def]
    Relationship = apps.get_model("relationships", "Relationship")
    Meeting = apps.get_model("relationships", "Meeting")
    for relationship in Relationship.objects.filter(last_meeting_at__isnull=False).iterator():
        if relationship.last_meeting_at >= relationship.started_at:
            continue
        latest = Meeting.objects.filter(
            relationship_id=relationship.pk,
            status="held",
            starts_at__gte=relationship.started_at,
        ).aggregate(m=Max("starts_at"))["m"]
        Relationship.objects.filter(pk=relationship.pk).update(last_meeting_at=latest)


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="relationshipevent",
            name="at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(last_meeting_within_span, migrations.RunPython.noop),
    ]
