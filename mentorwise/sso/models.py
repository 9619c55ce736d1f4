"""The SAML identity provider Mentorwise trusts, as an HR admin set it up (one per site)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MatchField(models.TextChoices):
    EMAIL = "email", _("Email address")
    EMPLOYEE_ID = "employee_id", _("Employee id")


class SamlProvider(models.Model):
    """The identity provider's metadata, how its assertions map to people, and this site's
    own signing and decryption key (sealed, `core.sealed`). Row 1 is the only one."""

    enabled = models.BooleanField(default=False)
    display_name = models.CharField(max_length=80, blank=True)
    metadata_url = models.URLField(max_length=500, blank=True)
    metadata_xml = models.TextField(blank=True)
    metadata_fetched_at = models.DateTimeField(null=True, blank=True)
    idp_entity_id = models.CharField(max_length=500, blank=True)
    match_field = models.CharField(
        max_length=20, choices=MatchField.choices, default=MatchField.EMAIL
    )
    email_attribute = models.CharField(max_length=200, blank=True)
    employee_id_attribute = models.CharField(max_length=200, blank=True)
    first_name_attribute = models.CharField(max_length=200, blank=True)
    last_name_attribute = models.CharField(max_length=200, blank=True)
    trust_email = models.BooleanField(
        default=True,
        help_text="The provider's email addresses are set by the organization (users cannot "
        "change them), so a matching address may link an ordinary login.",
    )
    allow_unsolicited = models.BooleanField(
        default=False, help_text="Accept sign-ins started at the identity provider."
    )
    sp_key_sealed = models.TextField(blank=True, editable=False)
    sp_cert = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.display_name or self.idp_entity_id or "SAML"


class SamlAssertionSeen(models.Model):
    """An assertion already used to sign in, kept until it expires: the same assertion
    presented again (a replayed response, captured or resent) is refused."""

    assertion_id = models.CharField(max_length=256, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.assertion_id
