"""Creating a program from a template: a draft with every field filled in, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.text import slugify

from mentorwise.accounts.actors import Actor
from mentorwise.core.audit import audit_record
from mentorwise.programs.content import program_shipped_translations
from mentorwise.programs.inputs import ProgramCreate, program_create_validate, program_name_problem
from mentorwise.programs.models import Program
from mentorwise.programs.services.guards import require_hr_admin


def _unique_name(base: str) -> str:
    """`base`, or "base (2)", "base (3)"... when a program already has it (template defaults)."""
    candidate, n = base, 2
    while program_name_problem(candidate) is not None:
        suffix = f" ({n})"
        candidate, n = base[: 200 - len(suffix)] + suffix, n + 1
    return candidate


def _unique_slug(base: str) -> str:
    slug = slugify(base)[:70] or "program"
    candidate, n = slug, 2
    while Program.objects.filter(slug=candidate).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


@transaction.atomic
def program_create(*, actor: Actor, data: ProgramCreate) -> Program:
    """Create a draft program with every field filled from the template (HR admins only)."""
    require_hr_admin(actor)
    valid = program_create_validate(data)
    # Without a name, the template's, numbered if a program already has it.
    name = valid.name or _unique_name(valid.template.name[:200])
    program = Program.objects.create(
        slug=valid.slug or _unique_slug(name),
        name=name,
        start_date=valid.start_date,
        end_date=valid.end_date,
        **valid.template.fields(),
    )
    program_shipped_translations(program)
    audit_record(
        actor=actor, action="program.created", target=program, data={"template": data.template}
    )
    return program


def program_create_from_template(
    *,
    actor: Actor,
    template_key: str,
    name: str = "",
    slug: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Program:
    """`program_create` with the input given field by field (the demo, fixtures, benchmarks)."""
    return program_create(
        actor=actor,
        data=ProgramCreate(
            template=template_key, name=name, slug=slug, start_date=start_date, end_date=end_date
        ),
    )
