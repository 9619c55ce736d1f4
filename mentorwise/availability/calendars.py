"""From a person to their calendar: the provider object for a connection (its secret
unsealed, its OAuth tokens renewed and sealed again), or the organisation's consent when the
person has no connection of their own and has not opted out of it.

Nothing here checks who asks: callers (services, the suggested-times service of
relationships) check first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from mentorwise.availability.models import (
    CalendarConnection,
    ConnectionStatus,
    OrganisationConsent,
    Provider,
)
from mentorwise.availability.providers import oauth
from mentorwise.availability.providers.base import CalendarProvider, ProviderError
from mentorwise.availability.providers.caldav_calendar import CalDavCalendar
from mentorwise.availability.providers.google import GoogleCalendar
from mentorwise.availability.providers.graph import GraphCalendar
from mentorwise.availability.providers.http import JsonClient
from mentorwise.core.sealed import CannotOpen, seal, unseal
from mentorwise.people.models import Person

GRAPH_APP_SCOPE = "https://graph.microsoft.com/.default"


def endpoint(name: str) -> str:
    return str(settings.MENTORWISE_CALENDAR_ENDPOINTS[name]).rstrip("/")


def oauth_endpoints(provider: str, tenant: str = "") -> oauth.Endpoints:
    if provider == Provider.MICROSOFT:
        base = f"{endpoint('microsoft_login')}/{tenant or settings.MENTORWISE_MICROSOFT_TENANT}"
        return oauth.Endpoints(f"{base}/oauth2/v2.0/authorize", f"{base}/oauth2/v2.0/token")
    return oauth.Endpoints(endpoint("google_authorize"), endpoint("google_token"))


def oauth_app(provider: str) -> oauth.App | None:
    """The OAuth app people consent to, from the settings (None: not configured)."""
    if provider == Provider.MICROSOFT:
        client_id = settings.MENTORWISE_MICROSOFT_CLIENT_ID
        secret = settings.MENTORWISE_MICROSOFT_CLIENT_SECRET
    elif provider == Provider.GOOGLE:
        client_id = settings.MENTORWISE_GOOGLE_CLIENT_ID
        secret = settings.MENTORWISE_GOOGLE_CLIENT_SECRET
    else:
        return None
    return oauth.App(client_id, secret) if client_id else None


def _opened(sealed: str) -> str:
    try:
        return unseal(sealed)
    except CannotOpen:
        raise ProviderError(
            "The calendar's credentials cannot be opened (an encryption key was removed): "
            "connect again."
        ) from None


@dataclass
class TokenStore:
    """A connection's OAuth tokens: renewed when expired or refused, sealed again at once."""

    connection: CalendarConnection
    tokens: oauth.Tokens

    def token(self) -> str:
        if self.tokens.expired():
            self.refresh()
        return self.tokens.access_token

    def refresh(self) -> str:
        app = oauth_app(self.connection.provider)
        if app is None:
            raise ProviderError("The calendar app is no longer configured on this server.")
        self.tokens = oauth.refresh(
            app,
            oauth_endpoints(self.connection.provider),
            provider=self.connection.provider,
            tokens=self.tokens,
        )
        self.connection.secret_sealed = seal(json.dumps(self.tokens.as_dict()))
        self.connection.save(update_fields=["secret_sealed"])
        return self.tokens.access_token


@dataclass
class AppTokens:
    """The organisation's app-only token for one person's mailbox (fetched when needed)."""

    consent: OrganisationConsent
    subject: str
    tokens: oauth.Tokens | None = None

    def token(self) -> str:
        if self.tokens is None or self.tokens.expired():
            self.refresh()
        assert self.tokens is not None  # noqa: S101 (set by refresh)
        return self.tokens.access_token

    def refresh(self) -> str:
        secret = _opened(self.consent.secret_sealed)
        if self.consent.provider == Provider.MICROSOFT:
            token_url = oauth_endpoints(Provider.MICROSOFT, self.consent.tenant).token_url
            self.tokens = oauth.client_credentials(
                oauth.App(self.consent.client_id, secret), token_url, GRAPH_APP_SCOPE
            )
        else:
            self.tokens = oauth.service_account_token(
                client_email=self.consent.client_id,
                private_key=secret,
                token_url=endpoint("google_token"),
                subject=self.subject,
                scope=oauth.SCOPES["google"],
            )
        return self.tokens.access_token


def connection_provider(connection: CalendarConnection) -> CalendarProvider:
    """The provider object of a person's own connection (not one via the organisation)."""
    if connection.via_organisation:
        consent = OrganisationConsent.objects.filter(
            provider=connection.provider, enabled=True
        ).first()
        if consent is None:
            raise ProviderError("The organisation's consent for this calendar was withdrawn.")
        return consent_provider(consent, connection.person)
    secret = _opened(connection.secret_sealed) if connection.secret_sealed else ""
    if connection.provider == Provider.CALDAV:
        return CalDavCalendar(url=connection.url, username=connection.account, password=secret)
    try:
        tokens = oauth.Tokens(**json.loads(secret))
    except (ValueError, TypeError):
        raise ProviderError("The calendar's access is missing: connect again.") from None
    store = TokenStore(connection, tokens)
    client = JsonClient(connection.get_provider_display(), store.token, store.refresh)
    if connection.provider == Provider.MICROSOFT:
        return GraphCalendar(client, address=connection.account, base_url=endpoint("graph"))
    return GoogleCalendar(client, base_url=endpoint("google_calendar"))


def consent_provider(consent: OrganisationConsent, person: Person) -> CalendarProvider:
    store = AppTokens(consent, person.email)
    client = JsonClient(consent.get_provider_display(), store.token, store.refresh)
    if consent.provider == Provider.MICROSOFT:
        return GraphCalendar(
            client, address=person.email, base_url=endpoint("graph"), app_only=True
        )
    return GoogleCalendar(client, base_url=endpoint("google_calendar"), calendar=person.email)


@dataclass(frozen=True)
class CalendarSource:
    """Where a person's calendar is read and written: their connection, or the
    organisation's consent (then `connection` is None)."""

    provider: CalendarProvider
    kind: str  # a Provider value
    connection: CalendarConnection | None
    label: str


def calendar_source(person: Person) -> CalendarSource | None:
    """The person's live connection (the newest), else the organisation's consent unless the
    person opted out of it; None when neither."""
    connections = list(
        CalendarConnection.objects.filter(person=person).exclude(status=ConnectionStatus.REVOKED)
    )
    own = [c for c in connections if not c.via_organisation]
    if own:
        chosen = own[0]
        return CalendarSource(
            connection_provider(chosen), chosen.provider, chosen, chosen.get_provider_display()
        )
    opted_out = set(
        CalendarConnection.objects.filter(
            person=person, via_organisation=True, status=ConnectionStatus.REVOKED
        ).values_list("provider", flat=True)
    )
    for consent in OrganisationConsent.objects.filter(enabled=True):
        if consent.provider in opted_out or not person.email:
            continue
        return CalendarSource(
            consent_provider(consent, person),
            consent.provider,
            None,
            consent.get_provider_display(),
        )
    return None


def record_check(connection: CalendarConnection | None, error: str = "") -> None:
    """Keep the outcome of the last use of a connection (shown on the person's page)."""
    if connection is None:
        return
    connection.last_checked_at = timezone.now()
    connection.last_error = error[:500]
    if connection.status != ConnectionStatus.REVOKED:
        connection.status = ConnectionStatus.FAILING if error else ConnectionStatus.ACTIVE
    connection.save(update_fields=["last_checked_at", "last_error", "status"])


def tokens_json(tokens: oauth.Tokens) -> str:
    return json.dumps(tokens.as_dict())
