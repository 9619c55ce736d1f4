"""The navigation: grouped menus, only the pages a role may use, the current page marked."""

from __future__ import annotations

from typing import Any

from mentorwise.accounts.models import User
from mentorwise.core.outbox import OUTBOX_BACKEND
from mentorwise.navigation import NavEntry, build_navigation


def _links(nav: list[NavEntry]) -> dict[str, str]:
    found = {}
    for entry in nav:
        for link in entry.children or (entry,):
            found[link.url] = link.label
    return found


def test_an_hr_admin_reaches_every_page_from_a_short_row(hr_admin: User, settings: Any) -> None:
    settings.EMAIL_BACKEND = OUTBOX_BACKEND  # the demo: its outbox is in the Admin menu
    nav = build_navigation(hr_admin, "/")
    top = [entry.label for entry in nav]
    assert top == [
        "Home",
        "Relationships",
        "Programs",
        "People",
        "Insights",
        "Reminders",
        "Admin",
        "API tokens",
    ]
    urls = set(_links(nav))
    every_page = {
        "/",
        "/relationships/",
        "/programs/",
        "/programs/enrollments/",
        "/training/",
        "/programs/skills/",
        "/people/",
        "/people/import/",
        "/insights/",
        "/insights/pipeline/",
        "/reminders/",
        "/audit/",
        "/account/tokens/",
        "/outbox/",
        "/account/sso/saml/settings/",
        "/webhooks/",
    }
    assert every_page <= urls
    menus = {entry.label: [c.label for c in entry.children] for entry in nav if entry.is_menu}
    assert menus["People"] == ["People", "Import"]
    assert menus["Insights"] == ["Insights", "Pipeline"]
    assert menus["Admin"] == ["Audit log", "Single sign-on", "Webhooks", "Outbox"]


def test_a_menu_of_one_page_is_a_plain_link(
    program_manager: User, mentee: User, hr_admin: User
) -> None:
    nav = {entry.label: entry for entry in build_navigation(program_manager, "/")}
    assert not nav["Insights"].is_menu and nav["Insights"].url == "/insights/"
    assert not nav["People"].is_menu and nav["People"].url == "/people/"
    assert "Admin" not in nav  # denied: no audit log, no import for a program manager
    # A participant has one page per entry: plain links, no menus.
    assert "/audit/" not in _links(list(nav.values()))
    participant = {entry.label for entry in build_navigation(mentee, "/")}
    assert participant.isdisjoint({"People", "Insights", "Admin"})


def test_the_current_page_and_its_menu_are_marked(hr_admin: User) -> None:
    nav = {entry.label: entry for entry in build_navigation(hr_admin, "/people/import/")}
    assert nav["People"].active and not nav["Home"].active
    marked = [c.label for c in nav["People"].children if c.active]
    assert marked == ["Import"]  # the longest matching address, not "/people/" too
    home = {entry.label: entry for entry in build_navigation(hr_admin, "/")}
    assert home["Home"].active and not home["Programs"].active
