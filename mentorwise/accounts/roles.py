"""Role questions asked everywhere: is this actor an HR admin, a program manager, ...?"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from mentorwise.accounts.models import User


def is_hr_admin(actor: Any) -> bool:
    """HR admins (and superusers, who are created as HR admins) see the whole workforce."""
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and (actor.is_hr_admin or actor.is_superuser)
    )


def hr_admins() -> QuerySet[User]:
    """The logins `is_hr_admin` is true for, as a queryset."""
    return User.objects.filter(Q(is_hr_admin=True) | Q(is_superuser=True), is_active=True)


def is_executive(actor: Any) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False) and actor.is_active and actor.is_executive
    )


def manages_any_program(actor: Any) -> bool:
    """True when the actor is program manager of at least one program."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return bool(actor.managed_programs.exists())


def actor_person_id(actor: Any) -> int | None:
    """The id of the Person the actor's login belongs to, or None."""
    if not getattr(actor, "is_authenticated", False):
        return None
    return actor.person_id  # type: ignore[no-any-return]


def is_privileged(user: Any) -> bool:
    """A login whose takeover exposes more than its own person's data: an HR admin or
    superuser, an executive, a staff login, a program manager, or the holder of an active
    read-write or SCIM API token. Single sign-on links such a login only on strong evidence
    (`accounts.services.sso_user_resolve`)."""
    from mentorwise.accounts.models import ApiToken, TokenScope

    if user.is_hr_admin or user.is_superuser or user.is_executive or user.is_staff:
        return True
    if manages_any_program(user):
        return True
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, scope__in=[TokenScope.ADMIN, TokenScope.SCIM]
    ).exists()
