"""Linking a single sign-on to a login and its person: found by (issuer, subject), or on
first sign-in by the configured claim, refused with a message the person can act on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorwise.accounts.models import ExternalIdentity, User
from mentorwise.core.audit import audit_record
from mentorwise.core.lookups import lower_equals
from mentorwise.people.models import Person
from mentorwise.programs.roles import is_privileged


class SignInRefused(Exception):
    """A single sign-on the identity provider accepted but Mentorwise refuses; `message` is
    shown to the person on the login page."""

    def __init__(self, message: str | Promise, *, reason: str) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.reason = reason


REFUSED_UNKNOWN = gettext_lazy(
    "Your sign-in worked, but no employee record in Mentorwise matches your account "
    "(%(value)s). Ask your HR team to add you."
)
REFUSED_ENDED = gettext_lazy(
    "Your employment record in Mentorwise is marked as ended, so you cannot sign in. "
    "Contact your HR team if this is wrong."
)
REFUSED_INACTIVE = gettext_lazy("Your Mentorwise login is deactivated. Contact your HR team.")
REFUSED_OTHER_IDENTITY = gettext_lazy(
    "This employee record is already linked to a different single sign-on account. "
    "Contact your HR team."
)


@dataclass(frozen=True)
class MatchRule:
    """How a first sign-in finds its person: the Person `field` (email or employee_id) equal to
    the claim `claim`; `employee_id_claim` is the claim that proves an employee id; with
    `trust_email` an unverified email may link an ordinary (not privileged) login."""

    field: str
    claim: str
    employee_id_claim: str
    trust_email: bool


def oidc_match_rule() -> MatchRule:
    """The OpenID Connect provider's rule, from the MENTORWISE_OIDC_* settings."""
    return MatchRule(
        field=settings.MENTORWISE_OIDC_MATCH_FIELD,
        claim=settings.MENTORWISE_OIDC_MATCH_CLAIM,
        employee_id_claim=settings.MENTORWISE_OIDC_EMPLOYEE_ID_CLAIM,
        trust_email=settings.MENTORWISE_OIDC_TRUST_EMAIL,
    )


def _person_for_claims(claims: dict[str, Any], rule: MatchRule) -> Person:
    """The person the identity provider's claims point to, by the rule's field and claim."""
    field = rule.field
    claim = rule.claim
    value = str(claims.get(claim) or "").strip()
    if not value:
        raise SignInRefused(
            _(
                "Your identity provider did not send the “%(claim)s” claim Mentorwise uses to "
                "find your employee record. Ask your IT team to release it."
            )
            % {"claim": claim},
            reason="claim_missing",
        )
    if field == "email" and claims.get("email_verified") in (False, "false"):
        raise SignInRefused(
            _("Your identity provider reports your email address as unverified."),
            reason="email_unverified",
        )
    people = Person.objects.select_related("user")
    lookup = Q(lower_equals("email", value)) if field == "email" else Q(employee_id=value)
    found = list(people.filter(lookup)[:2])
    if len(found) != 1:
        # None, or (for email) two records with one address: never guess.
        raise SignInRefused(REFUSED_UNKNOWN % {"value": value}, reason="person_unknown")
    return found[0]


REFUSED_UNVERIFIED = gettext_lazy(
    "Your identity provider did not confirm that your email address is verified, so "
    "Mentorwise cannot use it to find your employee record. Ask your IT team to send the "
    "email_verified claim (or to match sign-ins by employee id)."
)
REFUSED_PRIVILEGED = gettext_lazy(
    "Your employee record has a Mentorwise login with administrative rights. Single sign-on "
    "links such a login only with a verified email address or a matching employee id, and "
    "your identity provider sent neither. Ask your IT team."
)


def _email_verified(claims: dict[str, Any]) -> bool:
    # Some providers send the boolean as a string.
    return claims.get("email_verified") in (True, "true")


def _employee_id_matches(claims: dict[str, Any], person: Person, rule: MatchRule) -> bool:
    value = str(claims.get(rule.employee_id_claim) or "").strip()
    return bool(value) and value == person.employee_id


def _require_link_evidence(
    claims: dict[str, Any], person: Person, user: User | None, rule: MatchRule
) -> None:
    """Refuse a first sign-in found by an email claim unless the claims prove the address.

    An email claim without `email_verified: true` may be one the person typed into the
    provider themselves. Linking a privileged login (`programs.roles.is_privileged`) needs a
    verified email or an employee-id claim equal to the person's, whatever the rule's
    `trust_email` (MENTORWISE_OIDC_TRUST_EMAIL, or the SAML provider's setting) says; an
    ordinary login or a new one needs a verified email unless the operator declared the
    provider's emails trustworthy (it sets them itself and users cannot change them). Matching
    by employee id needs neither: the claim is the provider's record of employment.
    """
    if rule.field != "email" or _email_verified(claims):
        return
    if user is not None and is_privileged(user):
        if not _employee_id_matches(claims, person, rule):
            raise SignInRefused(REFUSED_PRIVILEGED, reason="privileged_unverified")
        return
    if not rule.trust_email and not _employee_id_matches(claims, person, rule):
        raise SignInRefused(REFUSED_UNVERIFIED, reason="email_unverified")


def _free_username(base: str) -> str:
    base = (base or "user")[:140]
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def sso_user_resolve(*, issuer: str, claims: dict[str, Any], rule: MatchRule | None = None) -> User:
    """The login for a verified single sign-on, linking or creating it on first sign-in.

    A known (issuer, subject) is the login it was linked to. Otherwise the person is found
    by the configured claim; an existing login of that person is linked, or a login without
    a password is created for them ("just in time"). Unknown, terminated or erased people
    are refused (`SignInRefused`, with a message for them); links and refusals are audited.
    `rule` says how a first sign-in finds its person (default: the OIDC settings); SAML passes
    its provider's rule with the NameID as `sub`.
    """
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SuspiciousOperation("ID token without subject.")
    try:
        return _sso_user_resolve(
            issuer=issuer, subject=subject, claims=claims, rule=rule or oidc_match_rule()
        )
    except SignInRefused as refusal:
        audit_record(
            actor=None,
            action="user.sso_refused",
            data={"issuer": issuer, "subject": subject, "reason": refusal.reason},
        )
        raise


@transaction.atomic
def _sso_user_resolve(
    *, issuer: str, subject: str, claims: dict[str, Any], rule: MatchRule
) -> User:
    identity = (
        # Lock the identity row only: PostgreSQL refuses FOR UPDATE on the nullable side of
        # the outer join to the person.
        ExternalIdentity.objects.select_for_update(of=("self",))
        .select_related("user", "user__person")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        known = identity.user
        if not known.may_sign_in():
            raise SignInRefused(
                REFUSED_INACTIVE if not known.is_active else REFUSED_ENDED, reason="ended"
            )
        identity.last_login_at = timezone.now()
        identity.save(update_fields=["last_login_at"])
        return known
    person = _person_for_claims(claims, rule)
    if person.erased_at is not None or not person.is_active_on(timezone.localdate()):
        raise SignInRefused(REFUSED_ENDED, reason="ended")
    user = User.objects.filter(person=person).first()
    _require_link_evidence(claims, person, user, rule)
    if user is not None:
        if not user.is_active:
            raise SignInRefused(REFUSED_INACTIVE, reason="inactive")
        if ExternalIdentity.objects.filter(user=user, issuer=issuer).exists():
            raise SignInRefused(REFUSED_OTHER_IDENTITY, reason="other_identity")
        action = "user.sso_linked"
    else:
        user = User(
            username=_free_username(person.email or person.employee_id),
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            person=person,
        )
        user.set_unusable_password()
        user.save()
        action = "user.sso_created"
    ExternalIdentity.objects.create(
        user=user, issuer=issuer, subject=subject, last_login_at=timezone.now()
    )
    audit_record(
        actor=None, action=action, target=user, data={"issuer": issuer, "subject": subject}
    )
    return user


def sso_refusal_record(*, reason: str) -> None:
    """Audit a single sign-on refused before any identity was known (state, token checks)."""
    audit_record(actor=None, action="user.sso_refused", data={"reason": reason[:200]})
