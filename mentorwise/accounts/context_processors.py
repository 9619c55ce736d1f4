"""Template context shared by every page: the navigation for the actor's roles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Build the navigation entries this user may use (pages still check on their own)."""
    from mentorwise import __version__

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "MENTORWISE_VERSION": __version__}
    from mentorwise.accounts.roles import is_executive, is_hr_admin, manages_any_program
    from mentorwise.core.outbox import outbox_active

    nav = [("Home", reverse("home")), ("Programs", reverse("programs:list"))]
    nav.append(("My enrollments", reverse("programs:my_enrollments")))
    nav.append(("Relationships", reverse("relationships:mine")))
    nav.append(("Training", reverse("learning:catalogue")))
    nav.append(("Reminders", reverse("notifications:list")))
    if is_hr_admin(user) or manages_any_program(user):
        nav.append(("People", reverse("people:list")))
    if is_hr_admin(user) or is_executive(user) or manages_any_program(user):
        nav.append(("Insights", reverse("insights:overview")))
    if is_hr_admin(user) or is_executive(user):
        nav.append(("Pipeline", reverse("insights:pipeline")))
    if is_hr_admin(user):
        nav.append(("Import", reverse("people:import")))
        nav.append(("Skills", reverse("programs:skills")))
        nav.append(("Audit log", reverse("audit:list")))
        if outbox_active():  # e-mails kept instead of sent (the demo): readable here
            nav.append(("Outbox", reverse("outbox:list")))
    nav.append(("API tokens", reverse("accounts:tokens")))
    current = request.path
    # The entry with the longest URL prefix of the current page is the active one.
    matches = [url for _, url in nav if current.startswith(url) and (url != "/" or current == "/")]
    active = max(matches, key=len, default=None)
    return {
        "nav": [(label, url, url == active) for label, url in nav],
        "MENTORWISE_VERSION": __version__,
    }
