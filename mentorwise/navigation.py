"""Template context shared by every page: the navigation for the actor's roles.

Site-level (beside the root URLconf, above every app): it links the pages of all apps, so it
names them here rather than in `accounts`, which sits below them.

The navigation is a short row of entries; related pages are grouped under one menu
("Programs", "People", "Insights", "Admin") so that even an HR admin's fits one row on a
laptop. A group the user has only one page of collapses to a plain link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from mentorwise import __version__
from mentorwise.accounts.actors import Actor
from mentorwise.accounts.roles import is_executive, is_hr_admin
from mentorwise.core.idurls import named_url
from mentorwise.core.outbox import outbox_active
from mentorwise.programs.roles import manages_any_program


@dataclass(frozen=True)
class NavEntry:
    """A link (`url`), or a menu of links (`children`); `active` marks the current page's."""

    label: str
    url: str = ""
    active: bool = False
    children: tuple[NavEntry, ...] = field(default=())

    @property
    def is_menu(self) -> bool:
        return bool(self.children)


def _entries(user: Actor) -> list[tuple[str, list[tuple[str, str]]]]:
    """(label, [(label, url), ...]) per entry, for this user's roles (pages check on their own)."""
    hr = is_hr_admin(user)
    manager = manages_any_program(user)
    executive = is_executive(user)
    programs = [
        (_("All programs"), named_url("programs:list")),
        (_("My enrollments"), named_url("programs:my_enrollments")),
        (_("Training"), named_url("learning:catalogue")),
    ]
    if hr or manager:
        programs.append((_("Translations"), named_url("content:overview")))
    if hr:
        programs.append((_("Skills"), named_url("programs:skills")))
    people = []
    if hr or manager:
        people.append((_("People"), named_url("people:list")))
    if hr:
        people.append((_("Import"), named_url("people:import")))
    insights = []
    if hr or executive or manager:
        insights.append((_("Insights"), named_url("insights:overview")))
    if hr or executive:
        insights.append((_("Pipeline"), named_url("insights:pipeline")))
    admin = []
    if hr:
        admin.append((_("Audit log"), named_url("audit:list")))
        admin.append((_("Single sign-on"), named_url("sso:saml_settings")))
        admin.append((_("Webhooks"), named_url("channels:list")))
        if outbox_active():  # e-mails kept instead of sent (the demo): readable here
            admin.append((_("Outbox"), named_url("outbox:list")))
    return [
        (_("Home"), [(_("Home"), named_url("home"))]),
        (_("Relationships"), [(_("Relationships"), named_url("relationships:mine"))]),
        (_("Programs"), programs),
        (_("People"), people),
        (_("Insights"), insights),
        (_("Reminders"), [(_("Reminders"), named_url("notifications:list"))]),
        (_("Admin"), admin),
        (_("API tokens"), [(_("API tokens"), named_url("accounts:tokens"))]),
    ]


def build_navigation(user: Actor, current: str) -> list[NavEntry]:
    """The navigation entries for `user` on the page at path `current`."""
    entries = [(label, links) for label, links in _entries(user) if links]
    urls = [url for _, links in entries for _, url in links]
    # The link with the longest URL prefix of the current page is the active one.
    matches = [url for url in urls if current.startswith(url) and (url != "/" or current == "/")]
    active = max(matches, key=len, default=None)
    nav = []
    for label, links in entries:
        if len(links) == 1:
            text, url = links[0]
            nav.append(NavEntry(label=text, url=url, active=url == active))
            continue
        children = tuple(NavEntry(label=t, url=u, active=u == active) for t, u in links)
        nav.append(NavEntry(label=label, active=any(c.active for c in children), children=children))
    return nav


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation of the signed-in user, and the version for the footer."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "MENTORWISE_VERSION": __version__}
    return {"nav": build_navigation(user, request.path), "MENTORWISE_VERSION": __version__}
