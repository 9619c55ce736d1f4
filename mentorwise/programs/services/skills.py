"""The skills taxonomy enrollment answers draw on (HR admins keep it)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import FieldError, InvalidInput, NotFound
from mentorwise.programs.models import (
    Skill,
)
from mentorwise.programs.services.guards import require_hr_admin


@transaction.atomic
def skills_seed_defaults(*, actor: Actor) -> int:
    """Add the default skills taxonomy, keeping skills already there; return how many were added."""
    from mentorwise.people.generator import SKILLS

    existing = {name.lower() for name in Skill.objects.values_list("name", flat=True)}
    new = [
        Skill(name=name, category=category)
        for category, names in SKILLS.items()
        for name in names
        if name.lower() not in existing
    ]
    Skill.objects.bulk_create(new)
    if new:
        audit_record(actor=actor, action="skill.defaults_loaded", data={"added": len(new)})
    return len(new)


@transaction.atomic
def skill_create(*, actor: Actor, name: str, category: str) -> Skill:
    require_hr_admin(actor)
    name, category = name.strip(), category.strip()
    errors = []
    if not name:
        errors.append(FieldError("name", _("is required")))
    if not category:
        errors.append(FieldError("category", _("is required")))
    if name and Skill.objects.filter(name__iexact=name).exists():
        errors.append(FieldError("name", _("already exists"), value=name))
    if errors:
        raise InvalidInput(errors)
    skill = Skill.objects.create(name=name[:80], category=category[:60])
    audit_record(actor=actor, action="skill.created", target=skill)
    return skill


@transaction.atomic
def skill_set_active(*, actor: Actor, skill_id: int, active: bool) -> Skill:
    require_hr_admin(actor)
    skill = Skill.objects.filter(pk=skill_id).first()
    if skill is None:
        raise NotFound(_("No such skill."))
    skill.is_active = active
    skill.save(update_fields=["is_active"])
    audit_record(actor=actor, action="skill.activated" if active else "skill.retired", target=skill)
    return skill
