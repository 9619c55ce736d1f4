"""Role questions that need programs: does the actor manage one, may they read the people
directory, is a login privileged?

They live here, not in `accounts.roles`, because program management is a relation of
programs (`Program.managers`); the callers above programs import them from here.
"""

from __future__ import annotations

from mentorwise.accounts import request_memo
from mentorwise.accounts.actors import Actor, User
from mentorwise.accounts.models import ApiToken, TokenScope
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.db.fixed import FixedQuery
from mentorwise.programs.models import Program


def manages_any_program(actor: Actor) -> bool:
    """True when the actor is program manager of at least one program (asked once per
    request for the request's login: `accounts.request_memo`)."""
    if not isinstance(actor, User) or not actor.is_authenticated:
        return False
    user_id = actor.pk
    return request_memo.remembered(actor, MANAGES_ANY, lambda: bool(_ONE_MANAGED.all(user_id)))


# The memo's key, forgotten by `program_managers_set` when it changes the actor's programs.
MANAGES_ANY = "manages_any_program"

# Asked on every page (the navigation) and by many permission checks: compiled once. The
# managers' table alone (its index on user), not joined to the programs and their ordering.
_ONE_MANAGED = FixedQuery(
    lambda user_id: (
        Program.managers.through.objects.filter(user_id=user_id)
        .order_by()
        .values_list("program_id", flat=True)[:1]
    ),
    int,
)


def can_read_directory(actor: Actor) -> bool:
    """May the actor list and read everyone's basic profile? HR admins and program managers.

    The people pages and API ask it here and pass the answer to `people.permissions`, which
    sits below programs."""
    return is_hr_admin(actor) or manages_any_program(actor)


def is_privileged(user: User) -> bool:
    """A login whose takeover exposes more than its own person's data: an HR admin or
    superuser, an executive, a staff login, a program manager, or the holder of an active
    read-write or SCIM API token. Single sign-on links such a login only on strong evidence
    (`sso.linking.sso_user_resolve`)."""
    if user.is_hr_admin or user.is_superuser or user.is_executive or user.is_staff:
        return True
    if manages_any_program(user):
        return True
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, scope__in=[TokenScope.ADMIN, TokenScope.SCIM]
    ).exists()
