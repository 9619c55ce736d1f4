"""Availability use cases: working hours, calendar connections (CalDAV, OAuth consent per
person), the organisation's consent, reading busy time, and writing a meeting back.

Secrets are sealed before they are stored and never appear in an audit row, a message or a
log line: audit rows carry the provider and the account only.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.availability import slots
from mentorwise.availability.calendars import (
    CalendarSource,
    calendar_source,
    oauth_app,
    oauth_endpoints,
    record_check,
    tokens_json,
)
from mentorwise.availability.models import (
    CalendarConnection,
    CalendarEvent,
    ConnectionStatus,
    EventState,
    OrganisationConsent,
    Provider,
    WorkingHours,
)
from mentorwise.availability.permissions import require_hr_admin, require_own_person
from mentorwise.availability.providers import oauth
from mentorwise.availability.providers.base import EventData, Interval, ProviderError
from mentorwise.core.audit import audit_record
from mentorwise.core.clock import zone_of
from mentorwise.core.errors import Conflict, FieldError, InvalidInput
from mentorwise.core.plain_http import scheme_allowed
from mentorwise.core.sealed import seal
from mentorwise.people.models import Person

logger = logging.getLogger(__name__)

WEEKDAYS = range(7)


# Working hours --------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingHoursInput:
    """A week: weekday (0 = Monday) -> (start, end) local times; missing days are off."""

    time_zone: str
    days: dict[int, tuple[dt.time, dt.time]] = field(default_factory=dict)


def working_hours_of(person: Person) -> slots.WorkingHours:
    """The person's working hours for the slot finder: what they set, else 09:00-17:00 on
    weekdays, in their zone (their own setting, else their HRIS time zone, else the site's)."""
    saved = WorkingHours.objects.filter(person=person).first()
    zone = (saved.time_zone if saved else "") or zone_of(person).key
    if saved is None:
        return slots.WorkingHours(zone=zone)
    return slots.WorkingHours(zone=zone, days=saved.windows())


def working_hours_validate(data: WorkingHoursInput) -> WorkingHoursInput:
    errors = []
    if data.time_zone:
        try:
            zoneinfo.ZoneInfo(data.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors.append(
                FieldError(
                    "time_zone",
                    _("Not a time zone name (e.g. Europe/Berlin)."),
                    value=data.time_zone,
                )
            )
    for day, (start, end) in sorted(data.days.items()):
        if day not in WEEKDAYS:
            errors.append(FieldError(f"day_{day}", _("Not a weekday.")))
        elif end <= start:
            errors.append(FieldError(f"day_{day}_end", _("The end must be after the start.")))
    if errors:
        raise InvalidInput(errors)
    return data


@transaction.atomic
def working_hours_update(*, actor: Actor, data: WorkingHoursInput) -> WorkingHours:
    """Set the actor's own working hours (nobody sets another person's)."""
    user, person = require_own_person(actor)
    data = working_hours_validate(data)
    hours, _created = WorkingHours.objects.select_for_update().get_or_create(person=person)
    hours.time_zone = data.time_zone
    hours.days = {
        str(day): [start.strftime("%H:%M"), end.strftime("%H:%M")]
        for day, (start, end) in sorted(data.days.items())
    }
    hours.updated_at = timezone.now()
    hours.save()
    audit_record(actor=user, action="availability.hours_updated", target=hours)
    return hours


# Connections ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CalDavInput:
    url: str
    username: str
    password: str


@transaction.atomic
def caldav_connect(*, actor: Actor, data: CalDavInput) -> CalendarConnection:
    """Connect the actor's CalDAV calendar; the password is sealed at once."""
    user, person = require_own_person(actor)
    errors = []
    if not scheme_allowed(data.url):
        errors.append(FieldError("url", _("Give the calendar's https:// address."), value=data.url))
    if not data.username.strip():
        errors.append(FieldError("username", _("Give the user name.")))
    if not data.password:
        errors.append(FieldError("password", _("Give the password or app password.")))
    if errors:
        raise InvalidInput(errors)
    connection = CalendarConnection.objects.create(
        person=person,
        provider=Provider.CALDAV,
        account=data.username.strip(),
        url=data.url.strip(),
        secret_sealed=seal(data.password),
    )
    audit_record(
        actor=user,
        action="availability.connected",
        target=connection,
        data={"provider": connection.provider, "account": connection.account},
    )
    return connection


@dataclass(frozen=True)
class ConsentStart:
    """Where to send the person, and what the callback must match (kept in the session)."""

    url: str
    state: str
    verifier: str


def oauth_consent_start(*, actor: Actor, provider: str, redirect_uri: str) -> ConsentStart:
    """Begin a person's consent: authorization code with PKCE and a random state."""
    require_own_person(actor)
    app = oauth_app(provider)
    if app is None:
        raise Conflict(
            _("%(provider)s calendars are not set up on this server.")
            % {"provider": Provider(provider).label},
            code="calendar_not_configured",
        )
    state, verifier = oauth.new_state(), oauth.new_verifier()
    url = oauth.authorization_url(
        app,
        oauth_endpoints(provider),
        provider=provider,
        redirect_uri=redirect_uri,
        state=state,
        verifier=verifier,
    )
    return ConsentStart(url, state, verifier)


def oauth_consent_finish(
    *,
    actor: Actor,
    provider: str,
    code: str,
    state: str,
    expected: ConsentStart | None,
    redirect_uri: str,
) -> CalendarConnection:
    """Finish a consent: the state must be the one this session started; the code is
    exchanged with its PKCE verifier; the tokens are sealed."""
    user, person = require_own_person(actor)
    if expected is None or not state or state != expected.state:
        raise Conflict(
            _("This consent was not started here or has expired: connect again."),
            code="oauth_state_mismatch",
        )
    app = oauth_app(provider)
    if app is None or not code:
        raise Conflict(_("The consent was not given."), code="oauth_no_code")
    try:
        tokens = oauth.exchange_code(
            app,
            oauth_endpoints(provider),
            provider=provider,
            redirect_uri=redirect_uri,
            code=code,
            verifier=expected.verifier,
        )
    except ProviderError as error:
        raise Conflict(error.message, code="oauth_refused") from None
    with transaction.atomic():
        connection = CalendarConnection.objects.create(
            person=person,
            provider=provider,
            account=person.email,
            secret_sealed=seal(tokens_json(tokens)),
        )
        audit_record(
            actor=user,
            action="availability.connected",
            target=connection,
            data={"provider": provider, "account": connection.account},
        )
    return connection


@transaction.atomic
def connection_revoke(*, actor: Actor, connection: CalendarConnection) -> CalendarConnection:
    """Disconnect: the sealed secret is erased (the provider's grant can be withdrawn in
    the provider's own account settings too). The person or an HR admin."""
    if connection.status == ConnectionStatus.REVOKED:
        return connection
    connection.status = ConnectionStatus.REVOKED
    connection.secret_sealed = ""
    connection.revoked_at = timezone.now()
    connection.revoked_by = actor if actor is not None and actor.is_authenticated else None
    connection.save(update_fields=["status", "secret_sealed", "revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        action="availability.revoked",
        target=connection,
        data={"provider": connection.provider, "account": connection.account},
    )
    return connection


@transaction.atomic
def organisation_opt_out(*, actor: Actor, provider: str) -> CalendarConnection:
    """The person stops the organisation's consent from reading their calendar."""
    user, person = require_own_person(actor)
    connection = CalendarConnection.objects.create(
        person=person,
        provider=provider,
        account=person.email,
        via_organisation=True,
        status=ConnectionStatus.REVOKED,
        revoked_at=timezone.now(),
        revoked_by=user,
    )
    audit_record(
        actor=user, action="availability.revoked", target=connection, data={"provider": provider}
    )
    return connection


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    busy_count: int
    message: str


def connection_test(*, actor: Actor, connection: CalendarConnection) -> CheckResult:
    """Read the next week's busy time once and record whether it worked (no transaction
    around the network call)."""
    if connection.status == ConnectionStatus.REVOKED:
        raise Conflict(_("This calendar is disconnected."), code="calendar_revoked")
    from mentorwise.availability.calendars import connection_provider

    now = timezone.now()
    try:
        zone = working_hours_of(connection.person).zone
        busy = connection_provider(connection).busy(now, now + dt.timedelta(days=7), zone)
    except ProviderError as error:
        record_check(connection, error.message)
        return CheckResult(False, 0, error.message)
    record_check(connection)
    audit_record(actor=actor, action="availability.tested", target=connection)
    return CheckResult(True, len(busy), "")


# The organisation's consent -------------------------------------------------------------


@dataclass(frozen=True)
class ConsentInput:
    provider: str
    tenant: str
    client_id: str
    secret: str  # empty: keep the stored one


@transaction.atomic
def organisation_consent_set(*, actor: Actor, data: ConsentInput) -> OrganisationConsent:
    """Set (or replace) the tenant-wide app credentials of Microsoft 365 or Google."""
    user = require_hr_admin(actor)
    errors = []
    if data.provider not in (Provider.MICROSOFT, Provider.GOOGLE):
        errors.append(FieldError("provider", _("Choose Microsoft 365 or Google.")))
    if not data.client_id.strip():
        errors.append(FieldError("client_id", _("Give the application (client) id.")))
    if data.provider == Provider.MICROSOFT and not data.tenant.strip():
        errors.append(FieldError("tenant", _("Give the directory (tenant) id.")))
    existing = OrganisationConsent.objects.filter(provider=data.provider).first()
    if not data.secret and (existing is None or not existing.secret_sealed):
        errors.append(FieldError("secret", _("Give the client secret or private key.")))
    if errors:
        raise InvalidInput(errors)
    consent = existing or OrganisationConsent(provider=data.provider)
    consent.tenant = data.tenant.strip()
    consent.client_id = data.client_id.strip()
    if data.secret:
        consent.secret_sealed = seal(data.secret)
    consent.enabled = True
    consent.granted_by = user
    consent.granted_at = timezone.now()
    consent.save()
    audit_record(
        actor=user,
        action="availability.consent_set",
        target=consent,
        data={"provider": consent.provider, "tenant": consent.tenant},
    )
    return consent


@transaction.atomic
def organisation_consent_withdraw(*, actor: Actor, provider: str) -> None:
    user = require_hr_admin(actor)
    consent = OrganisationConsent.objects.filter(provider=provider).first()
    if consent is None:
        return
    consent.delete()
    audit_record(actor=user, action="availability.consent_withdrawn", data={"provider": provider})


# Busy time ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Busy:
    """A person's busy time in a window, or why there is none: `source` names the calendar
    read ("" = none connected), `error` says why it could not be read."""

    intervals: tuple[Interval, ...]
    source: str
    error: str = ""


def busy_of(person: Person, start: dt.datetime, end: dt.datetime) -> Busy:
    """Read the person's busy intervals now (nothing is stored). The caller has checked
    that the actor may ask: only the two people of a relationship do."""
    try:
        source = calendar_source(person)
    except ProviderError as error:
        return Busy((), "", error.message)
    if source is None:
        return Busy((), "")
    try:
        # Only CalDAV's events fallback reads all-day events itself (in the person's zone).
        zone = working_hours_of(person).zone if source.kind == Provider.CALDAV else "UTC"
        intervals = source.provider.busy(start, end, zone)
    except ProviderError as error:
        record_check(source.connection, error.message)
        logger.info("calendar of person %s could not be read: %s", person.pk, error.message)
        return Busy((), source.label, error.message)
    record_check(source.connection)
    return Busy(tuple(intervals), source.label)


# Writing a meeting back -----------------------------------------------------------------


def _source_or_none(person: Person) -> CalendarSource | None:
    try:
        return calendar_source(person)
    except ProviderError:
        return None


def calendar_event_sync(
    *, organizer: Person, event: EventData, cancelled: bool
) -> CalendarEvent | None:
    """Create, update or remove the meeting `event.uid` in the organizer's calendar; a
    provider failure is recorded on the CalendarEvent (state failed, error), never raised.
    Returns None when the organizer has no calendar (nothing to write)."""
    record = CalendarEvent.objects.filter(uid=event.uid).first()
    source = _source_or_none(organizer)
    if source is None:
        return record
    if record is None:
        if cancelled:
            return None
        record = CalendarEvent(uid=event.uid, organizer=organizer, provider=source.kind)
    elif cancelled and record.state == EventState.CANCELLED:
        return record  # already removed (a task that ran twice, or a late duplicate)
    record.connection = source.connection
    try:
        if cancelled:
            if record.provider_event_id or source.kind == Provider.CALDAV:
                try:
                    source.provider.delete_event(record.provider_event_id, event)
                except ProviderError as error:
                    if error.status not in (404, 410):  # gone already: what was wanted
                        raise
            record.state = EventState.CANCELLED
        elif record.provider_event_id and record.provider == source.kind:
            result = source.provider.update_event(record.provider_event_id, event)
            record.join_url = result.join_url or record.join_url
            record.state = EventState.UPDATED
        else:
            result = source.provider.create_event(event)
            record.provider = source.kind
            record.provider_event_id = result.provider_event_id
            record.join_url = result.join_url
            record.state = EventState.CREATED
        record.error = ""
    except ProviderError as error:
        record.state = EventState.FAILED
        record.error = error.message[:500]
        logger.info("calendar write-back of %s failed: %s", event.uid, error.message)
    record.updated_at = timezone.now()
    record.save()
    if record.state == EventState.FAILED:
        audit_record(
            actor=None,
            action="availability.event_failed",
            target=record,
            data={"provider": record.provider},
        )
    return record


def calendar_wanted(organizer: Person, uid: str) -> bool:
    """Whether a meeting needs a write-back at all (cheap, asked inside the booking's
    transaction): the organizer has a calendar, or the meeting was written before."""
    return (
        CalendarConnection.objects.filter(person=organizer)
        .exclude(status=ConnectionStatus.REVOKED)
        .exists()
        or OrganisationConsent.objects.filter(enabled=True).exists()
        or CalendarEvent.objects.filter(uid=uid).exists()
    )
