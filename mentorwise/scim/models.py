"""What SCIM provisioning keeps beside the Person: the identity provider's view of a user.

Every Person is a SCIM User whose id is the person's primary key. The fields the identity
provider manages that Mentorwise uses (userName, names, title, active, employee number,
department, manager) live on the Person; this row keeps the rest of the SCIM representation
so that what the provider wrote reads back the same, the provider's externalId, and whether
the provider deleted the user (a SCIM deletion deprovisions the person and hides the user;
the Person itself is never deleted).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ScimUser(models.Model):
    """The SCIM side of one Person (created on the provider's first write)."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, primary_key=True, related_name="scim"
    )
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    attributes = models.JSONField(
        default=dict,
        blank=True,
        help_text="The SCIM attributes the provider sent that have no Person field "
        "(displayName, emails, phone numbers...), as sent; never the password.",
    )
    emails = models.TextField(
        blank=True,
        help_text="The lower-cased email values, one per line between newlines, for filters.",
    )
    unset = models.JSONField(
        default=list,
        blank=True,
        help_text="Person attributes the provider does not set (userName aside): their "
        "Mentorwise values (from the HRIS) are kept and not reported back to the provider.",
    )
    deprovisioned_on = models.DateField(
        null=True,
        blank=True,
        help_text="The termination date SCIM deprovisioning set; a reactivation undoes only "
        "that one, never a termination the HRIS recorded.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the provider deleted the user: the person was deprovisioned and "
        "the SCIM user answers 404 until the provider creates it again.",
    )

    class Meta:
        verbose_name = "SCIM user"

    def __str__(self) -> str:
        return f"SCIM user of person #{self.person_id}"
