"""Carry every "mute non-essential reminders" choice over to the per-kind channel
preferences of the dispatcher (reminders, surveys and check-in prompts switched off), which
decide delivery from now on. Nobody's choice is lost; unmuted people keep the default
(e-mail). Reversible: the preferences written here are removed again."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone

MUTED_KINDS = ("nudge", "survey", "checkin")


def forward(apps: Any, schema_editor: Any) -> None:
    settings_model = apps.get_model("notifications", "NudgeSettings")
    preference = apps.get_model("messaging", "ChannelPreference")
    muted = list(
        settings_model.objects.filter(mute_non_essential=True).values_list("person_id", flat=True)
    )
    existing = set(
        preference.objects.filter(person_id__in=muted, kind__in=MUTED_KINDS).values_list(
            "person_id", "kind"
        )
    )
    now = timezone.now()
    preference.objects.bulk_create(
        [
            preference(person_id=person_id, kind=kind, channels=[], updated_at=now)
            for person_id in muted
            for kind in MUTED_KINDS
            if (person_id, kind) not in existing
        ],
        batch_size=1000,
    )


def backward(apps: Any, schema_editor: Any) -> None:
    settings_model = apps.get_model("notifications", "NudgeSettings")
    preference = apps.get_model("messaging", "ChannelPreference")
    muted = settings_model.objects.filter(mute_non_essential=True).values_list(
        "person_id", flat=True
    )
    preference.objects.filter(person_id__in=list(muted), kind__in=MUTED_KINDS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_checkin_due"),
        ("messaging", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
