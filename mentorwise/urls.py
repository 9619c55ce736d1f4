"""URL map: pages per app, the API under /api/."""

from django.urls import include, path

from mentorwise import views as site_views
from mentorwise.api.api import api_urls
from mentorwise.core.health import health_view
from mentorwise.sso.saml import SignOutView
from mentorwise.sso.sign_in import SsoSignInView

urlpatterns = [
    path("", site_views.home_view, name="home"),
    path("health/", health_view, name="health"),
    path("login/", SsoSignInView.as_view(), name="login"),
    path("logout/", SignOutView.as_view(), name="logout"),
    path("account/sso/", include("mentorwise.sso.urls")),
    path("account/calendar/", include("mentorwise.availability.urls")),
    path("account/notifications/", include("mentorwise.messaging.urls")),
    path("account/", include("mentorwise.accounts.urls")),
    path("people/connectors/", include("mentorwise.connectors.urls")),
    path("people/calendars/", include("mentorwise.availability.org_urls")),
    path("people/slack/", include("mentorwise.slack.urls")),
    path("people/teams/", include("mentorwise.teams.urls")),
    path("people/", include("mentorwise.directory.urls")),
    path("", include("mentorwise.journeys.urls")),
    path("programs/", include("mentorwise.programs.urls")),
    path("matching/", include("mentorwise.matches.urls")),
    path("training/", include("mentorwise.learning.urls")),
    path("relationships/", include("mentorwise.relationships.urls")),
    path("circles/", include("mentorwise.circles.urls")),
    path("reminders/", include("mentorwise.notifications.urls")),
    path("outbox/", include("mentorwise.notifications.outbox_urls")),
    path("insights/", include("mentorwise.insights.urls")),
    path("audit/", include("mentorwise.audit.urls")),
    path("webhooks/", include("mentorwise.channels.urls")),
    path("communications/", include("mentorwise.communications.urls")),
    path("translations/", include("mentorwise.content.urls")),
    path("privacy/", include("mentorwise.privacy.urls")),
    path("slack/", include("mentorwise.slack.public_urls")),
    path("teams/", include("mentorwise.teams.public_urls")),
    path("api/", api_urls()),
    path("scim/", include("mentorwise.scim.urls")),
]

# The product's error pages (JSON in the API, SCIM errors under /scim/): core/errorpages.py.
handler400 = "mentorwise.core.errorpages.bad_request"
handler403 = "mentorwise.core.errorpages.permission_denied"
handler404 = "mentorwise.core.errorpages.page_not_found"
handler500 = "mentorwise.core.errorpages.server_error"
