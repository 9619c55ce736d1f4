"""Users (logins linked to a Person) and personal API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin


class User(AbstractUser):
    """A login. `person` links it to the workforce record; roles are flags and program links."""

    person = models.OneToOneField(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
        help_text="The workforce record this login belongs to.",
    )
    is_hr_admin = models.BooleanField(
        default=False, help_text="HR / talent admin: manages people, programs and insights."
    )
    is_executive = models.BooleanField(
        default=False, help_text="Executive: reads aggregate dashboards only."
    )
    must_change_password = models.BooleanField(
        default=False,
        help_text="Set by a one-time password: the next password sign-in must choose a new one.",
    )
    session_generation = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Raised to end every session of this login at once (logout everywhere, "
        "deprovisioning, termination).",
    )

    language = models.CharField(
        max_length=16,
        blank=True,
        default="",
        help_text="The language this person chose for pages and e-mails (a code from "
        "core.languages); empty: from their HRIS record, else their browser.",
    )
    last_active_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When this login last used Mentorwise (a page or API request), to within "
        'ACTIVITY_RESOLUTION; mentor cards show it as "last active".',
    )

    class Meta(AbstractUser.Meta):
        indexes = [
            # The few HR admins among every login (`accounts.roles.hr_admins`).
            models.Index(
                fields=["id"],
                name="users_hr_admin",
                condition=models.Q(is_hr_admin=True) | models.Q(is_superuser=True),
            )
        ]

    def __str__(self) -> str:
        return self.get_username()

    @property
    def last_active(self) -> dt.datetime | None:
        """The latest of the last sign-in and the last recorded activity."""
        return max((t for t in (self.last_login, self.last_active_at) if t), default=None)

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's session check hashes the password; the generation is added so that raising
        it (`user_sessions_end`) invalidates every existing session on its next request."""
        key_salt = "mentorwise.accounts.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_generation}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    def may_sign_in(self, day: dt.date | None = None) -> bool:
        """An active login whose person (if any) is neither terminated nor erased.

        Checked at every sign-in and on every request with a session or token, so that
        a termination (HRIS import, SCIM deactivation) takes effect immediately.
        """
        if not self.is_active:
            return False
        person = self.person
        if person is None:
            return True
        if person.erased_at is not None:
            return False
        day = day or timezone.localdate()
        return person.termination_date is None or person.termination_date > day


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    ADMIN = "admin", _("Read and write")
    SCIM = "scim", _("SCIM provisioning")


def token_hash(raw: str) -> str:
    """Tokens are 256-bit random values, so one SHA-256 pass is enough (no password stretching)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A personal API token: stored hashed, shown once, scoped, revocable, last use recorded."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise a token.")
    hashed = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ExternalIdentity(models.Model):
    """A single sign-on identity (issuer + subject) linked to a login.

    The identity provider's `sub` is the stable key (OWASP ASVS 6.8.1): an email address
    can be reassigned, so after the first link a login is found by (issuer, subject) and a
    different subject presenting the same email is refused.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique"),
            models.UniqueConstraint(
                fields=["user", "issuer"], name="external_identity_one_per_issuer"
            ),
        ]
        verbose_name_plural = "external identities"

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"


MAX_BACK_OFF_SECONDS = 60


class Authenticator(ThrottlingMixin, TimestampMixin, Device):
    """An authenticator app (TOTP, RFC 6238) for two-step password sign-in.

    django-otp's device with its exponential back-off after failed codes; the seed is kept
    sealed (core.sealed), never in clear. `last_t` is the last time step accepted: a code is
    good once, so one seen over a shoulder or replayed cannot sign in again.
    """

    sealed_key = models.TextField(help_text="The TOTP seed, sealed (core.sealed).")
    last_t = models.BigIntegerField(default=-1, help_text="Time step of the last code accepted.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(confirmed=True),
                name="authenticator_one_confirmed_per_user",
            )
        ]

    def get_throttle_factor(self) -> int:
        return 1

    def verify_is_allowed(self) -> tuple[bool, dict[str, object] | None]:
        """django-otp's back-off (1, 2, 4 … seconds after each wrong code), capped at
        MAX_BACK_OFF_SECONDS: someone who knows the password cannot lock the person out of
        their own app for longer by guessing (the sign-in lockout stops the guessing)."""
        allowed, detail = super().verify_is_allowed()
        failed_at = self.throttling_failure_timestamp
        waited = (timezone.now() - failed_at).total_seconds() if failed_at else 0.0
        if not allowed and waited >= MAX_BACK_OFF_SECONDS:
            return True, None
        return bool(allowed), detail


class RecoveryCode(models.Model):
    """A single-use code that stands in for the authenticator once; stored hashed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    hashed = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "hashed"], name="recovery_code_lookup")]

    def __str__(self) -> str:
        return f"Recovery code #{self.pk}"


class Passkey(models.Model):
    """A passkey or security key (WebAuthn) registered as a login's second step.

    Only the public key is kept; the private key never leaves the person's device. The
    signature counter, where the authenticator keeps one, must rise with every use: a
    counter that does not is a cloned key, and the sign-in is refused.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys"
    )
    name = models.CharField(max_length=100)
    credential_id = models.CharField(max_length=1400, unique=True, help_text="base64url")
    public_key = models.BinaryField(help_text="COSE public key.")
    sign_count = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name
