"""Every program that existed before journeys gets a copy of its template's journey."""


from django.db import migrations


def copy_journeys(apps, schema_editor):
    from mentorwise.journeys.catalog import journey_template

    Program = apps.get_model("programs", "Program")
    Journey = apps.get_model("journeys", "Journey")
    JourneyStep = apps.get_model("journeys", "JourneyStep")
    for program in Program.objects.exclude(pk__in=Journey.objects.values("program_id")):
        journey = Journey.objects.create(program=program, template_key=program.template_key)
        specs = sorted(journey_template(program.template_key), key=lambda s: s.approx_days)
        JourneyStep.objects.bulk_create(
            [
                JourneyStep(
                    journey=journey,
                    position=n,
                    kind=spec.kind,
                    offset_value=spec.offset[0],
                    offset_unit=spec.offset[1],
                    title=spec.title,
                    body=spec.body,
                    guide_type=spec.guide_type,
                    questions=list(spec.questions),
                    url=spec.url,
                    added_at=None,
                    updated_at=program.created_at,
                )
                for n, spec in enumerate(specs, start=1)
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("journeys", "0001_initial")]

    operations = [migrations.RunPython(copy_journeys, migrations.RunPython.noop)]
