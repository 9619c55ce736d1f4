"""What the calendar pages read: never a secret, never anybody's busy time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mentorwise.accounts.actors import Actor
from mentorwise.availability.calendars import oauth_app
from mentorwise.availability.models import (
    CalendarConnection,
    CalendarEvent,
    ConnectionStatus,
    OrganisationConsent,
    Provider,
    WorkingHours,
)
from mentorwise.availability.permissions import require_hr_admin, require_own_person
from mentorwise.core.clock import zone_of


@dataclass
class CalendarPage:
    hours: WorkingHours | None
    default_zone: str
    connections: list[CalendarConnection]
    consents: list[OrganisationConsent]
    opted_out: set[str]
    oauth_providers: list[tuple[str, str]]
    events: list[CalendarEvent]

    def context(self) -> dict[str, Any]:
        return {
            "hours": self.hours,
            "default_zone": self.default_zone,
            "connections": self.connections,
            "consents": [c for c in self.consents if c.provider not in self.opted_out],
            "oauth_providers": self.oauth_providers,
            "events": self.events,
        }


def calendar_page(*, actor: Actor) -> CalendarPage:
    """The actor's own calendar page (Forbidden for a login without a person)."""
    _user, person = require_own_person(actor)
    connections = list(
        CalendarConnection.objects.filter(person=person, via_organisation=False).exclude(
            status=ConnectionStatus.REVOKED
        )
    )
    opted_out = set(
        CalendarConnection.objects.filter(
            person=person, via_organisation=True, status=ConnectionStatus.REVOKED
        ).values_list("provider", flat=True)
    )
    return CalendarPage(
        hours=WorkingHours.objects.filter(person=person).first(),
        default_zone=zone_of(person).key,
        connections=connections,
        consents=list(OrganisationConsent.objects.filter(enabled=True)),
        opted_out=opted_out,
        oauth_providers=[
            (p.value, str(p.label))
            for p in (Provider.MICROSOFT, Provider.GOOGLE)
            if oauth_app(p) is not None
        ],
        events=list(CalendarEvent.objects.filter(organizer=person)[:10]),
    )


@dataclass
class OrganisationPage:
    consents: list[OrganisationConsent]
    connections: list[CalendarConnection] = field(default_factory=list)
    total: int = 0

    def context(self) -> dict[str, Any]:
        return {"consents": self.consents, "connections": self.connections, "total": self.total}


SHOWN = 100


def organisation_page(*, actor: Actor) -> OrganisationPage:
    """HR admins: the consents, and people's connections (to disconnect one)."""
    require_hr_admin(actor)
    live = (
        CalendarConnection.objects.filter(via_organisation=False)
        .exclude(status=ConnectionStatus.REVOKED)
        .select_related("person")
    )
    return OrganisationPage(
        consents=list(OrganisationConsent.objects.select_related("granted_by")),
        connections=list(live[:SHOWN]),
        total=live.count(),
    )
