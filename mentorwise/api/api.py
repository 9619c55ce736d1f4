"""The HTTP API: /api/ with OpenAPI at /api/openapi.json and docs at /api/docs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI

from mentorwise import __version__
from mentorwise.api.account import router as account_router
from mentorwise.api.audit import router as audit_router
from mentorwise.api.auth import session_auth, token_auth
from mentorwise.api.circle_suggested import router as circle_suggested_router
from mentorwise.api.circles import router as circles_router
from mentorwise.api.communications import router as communications_router
from mentorwise.api.connectors import router as connectors_router
from mentorwise.api.content import router as content_router
from mentorwise.api.errors import install_error_handlers
from mentorwise.api.insights import router as insights_router
from mentorwise.api.insights_equity import router as insights_equity_router
from mentorwise.api.insights_outcomes import router as insights_outcomes_router
from mentorwise.api.journeys import router as journeys_router
from mentorwise.api.learning import router as learning_router
from mentorwise.api.matches import router as matches_router
from mentorwise.api.messaging import router as messaging_router
from mentorwise.api.notifications import router as notifications_router
from mentorwise.api.people import router as people_router
from mentorwise.api.programs import router as programs_router
from mentorwise.api.relationships import router as relationships_router

api = NinjaAPI(
    title="Mentorwise API",
    version=__version__,
    description=(
        "Programs, enrollments and people of a Mentorwise installation. Authenticate with your "
        "browser session or a personal API token (`Authorization: Bearer ...`). Every object is "
        "filtered by what the caller may see; objects outside that scope answer 404."
    ),
    auth=[token_auth, session_auth],
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/people", people_router, tags=["people"])
api.add_router("/connectors", connectors_router, tags=["connectors"])
api.add_router("/insights", insights_router, tags=["insights"])
api.add_router("/insights", insights_equity_router, tags=["insights"])
api.add_router("/insights", insights_outcomes_router, tags=["insights"])
api.add_router("/audit", audit_router, tags=["audit"])
api.add_router("/training", learning_router, tags=["training"])
api.add_router("/", content_router, tags=["translations"])
api.add_router("/", programs_router, tags=["programs"])
api.add_router("/", matches_router, tags=["matching"])
api.add_router("/", notifications_router, tags=["reminders"])
api.add_router("/", messaging_router, tags=["notifications"])
api.add_router("/", relationships_router, tags=["relationships"])
api.add_router("/circles", circles_router, tags=["circles"])
api.add_router("/circles", circle_suggested_router, tags=["circles"])
api.add_router("/", journeys_router, tags=["journeys"])
api.add_router("/", account_router, tags=["account"])
api.add_router("/", communications_router, tags=["communications"])


URLs: TypeAlias = list[URLResolver | URLPattern]


def _allow_anonymous_reach(patterns: Sequence[URLResolver | URLPattern]) -> None:
    """Let API requests through LoginRequiredMiddleware: the API answers 401 itself, in JSON."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _allow_anonymous_reach(pattern.url_patterns)
        else:
            login_not_required(pattern.callback)  # marks the view itself


def api_urls() -> tuple[URLs, str, str]:
    patterns, app_name, namespace = api.urls
    _allow_anonymous_reach(patterns)
    return patterns, app_name, namespace
