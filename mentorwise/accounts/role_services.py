"""Role changes of a login, and what losing the HR-admin role takes away.

A SCIM token lets its holder create people and change every person record (emails included,
which decide single sign-on linking), so it is an HR admin's power: it must not outlive the
role. Every path that takes the role away (the person's login page, `mentorwise set-roles`,
erasure, and a SCIM call that finds its owner no longer an active HR admin) revokes the
owner's SCIM tokens through `scim_tokens_revoke`, one audit row per token.

Read and read-write API tokens act as their owner with the owner's roles as they are at the
moment of each call (every service checks the actor it is given), so they need no revocation:
a former HR admin's read-write token can do what that person may do today, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.models import ApiToken, TokenScope, User
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.accounts.services import api_token_find, api_token_touch
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import FieldError, Forbidden, InvalidInput

ROLE_FIELDS = ("is_hr_admin", "is_executive")


@dataclass(frozen=True)
class RoleChange:
    """The roles to set on a login; None leaves a role as it is."""

    is_hr_admin: bool | None = None
    is_executive: bool | None = None


@transaction.atomic
def scim_tokens_revoke(*, user: User, reason: str, actor: Actor = None) -> int:
    """Revoke every active SCIM token of `user`; returns how many. Audited per token."""
    tokens = list(
        ApiToken.objects.select_for_update().filter(
            user=user, scope=TokenScope.SCIM, revoked_at__isnull=True
        )
    )
    now = timezone.now()
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api_token.revoked",
            target=token,
            data={"scope": TokenScope.SCIM, "reason": reason, "owner": user.get_username()},
        )
    return len(tokens)


def may_hold_scim_token(user: User) -> bool:
    """An active HR admin whose login may sign in (not deactivated, terminated or erased)."""
    return is_hr_admin(user) and user.may_sign_in()


class ScimTokenOwnerNotPermitted(Forbidden):
    """A valid SCIM token whose owner is no longer an active HR admin (now revoked)."""

    code = "scim_token_owner_not_permitted"


def scim_token_authenticate(raw: str) -> ApiToken | None:
    """The SCIM token matching `raw`, if its owner is still an active HR admin.

    Checked on every SCIM call, whatever took the role away (a flag changed directly in the
    database, a termination date that has now passed, an HRIS import): a token whose owner
    no longer qualifies is revoked there and then (audited) and the call is refused with
    `ScimTokenOwnerNotPermitted`; from the next call on the token is simply unknown (None).
    """
    token = api_token_find(raw, (TokenScope.SCIM,))
    if token is None:
        return None
    if not may_hold_scim_token(token.user):
        with transaction.atomic():  # committed before the refusal is raised
            scim_tokens_revoke(user=token.user, reason="owner_not_hr_admin")
        raise ScimTokenOwnerNotPermitted(
            _(
                "The owner of this SCIM token is no longer an active HR admin, so the token "
                "has been revoked. An HR admin must create a new one."
            )
        )
    api_token_touch(token)
    return token


@transaction.atomic
def user_roles_set(*, actor: User | None, user: User, change: RoleChange) -> User:
    """Grant or remove a login's HR-admin and executive roles; audited.

    Only HR admins (or the command line, `actor` None) change roles, and an HR admin cannot
    remove their own HR-admin role (another HR admin must: nobody locks the last door behind
    them by accident). Losing the HR-admin role revokes the login's SCIM tokens at once.
    A superuser stays an HR admin whatever the flag says (`createsuperuser` makes them).
    """
    if actor is not None and not is_hr_admin(actor):
        raise Forbidden(_("Only HR admins can change roles."), code="roles_forbidden")
    # Lock the login row only: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer join to the person.
    user = User.objects.select_for_update(of=("self",)).select_related("person").get(pk=user.pk)
    before = {field: bool(getattr(user, field)) for field in ROLE_FIELDS}
    after = {
        field: before[field] if getattr(change, field) is None else bool(getattr(change, field))
        for field in ROLE_FIELDS
    }
    errors = []
    if actor is not None and actor.pk == user.pk and before["is_hr_admin"] > after["is_hr_admin"]:
        errors.append(
            FieldError(
                "is_hr_admin", _("You cannot remove your own HR-admin role; ask another HR admin.")
            )
        )
    granted = [f for f in ROLE_FIELDS if after[f] and not before[f]]
    if granted and not user.may_sign_in():
        errors.append(
            FieldError(granted[0], _("This login may not sign in (deactivated or terminated)."))
        )
    if errors:
        raise InvalidInput(errors)
    if after == before:
        return user
    was_hr_admin = is_hr_admin(user)
    for field, value in after.items():
        setattr(user, field, value)
    user.save(update_fields=list(ROLE_FIELDS))
    audit_record(
        actor=actor,
        action="user.roles_changed",
        target=user,
        data={"before": before, "after": after},
    )
    if was_hr_admin and not is_hr_admin(user):
        scim_tokens_revoke(user=user, reason="hr_admin_role_removed", actor=actor)
    return user
