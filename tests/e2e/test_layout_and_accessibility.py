"""Every page as each demo login, in headless Chromium: fits a phone, passes axe-core, works
by keyboard.

A small demo organization is seeded once for the module and served by a live server. The
crawl of tests/crawl.py (the one the no-dead-ends test uses) lists the HTML pages each of the
six demo logins reaches from home, at most one address per route (a few more relationship
pages: their content depends on the relationship's state). Each page is then opened in
Chromium at 390 x 844 px and must

- not scroll sideways: `document.documentElement.scrollWidth` <= the viewport's width
  (a wide table scrolls inside its own region, never the page);
- cut off no table: a table wider than its box sits in a scrolling region (tables hide their
  overflow, so a column beyond the edge, and its links, would be out of reach);
- have no serious or critical axe-core violation of the WCAG 2.0/2.1/2.2 A and AA rules.

Then: the HR admin's navigation fits one row at 1366 px and the equity tables are not cut off
there; on a phone the navigation collapses behind a "Menu" button that works by keyboard; and
the mentee's main path (home, her relationship, logging a meeting) is done with the keyboard
alone, with a visible focus at every stop and no trap. docs/accessibility.md says what this
covers and what it does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mentorwise.accounts.models import User
from mentorwise.demo.seed import DEMO_ROLES, demo_seed
from mentorwise.relationships.models import Relationship, RelationshipStatus
from tests.crawl import crawl_pages
from tests.demo_world import fast_demo_settings

# django_db: the test database is set up only for a session with a test that asks for it.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

ROLES = [username for username, _, _ in DEMO_ROLES]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
# What axe-core checks: the WCAG 2.0, 2.1 and 2.2 success criteria of levels A and AA.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}
# Routes whose pages differ by the state of what they show: a few addresses each.
ROUTE_SAMPLES = {"relationships:detail": 3}
# A PDF or a file download is not a page to look at.
SKIPPED_ROUTES = {"insights:program_report", "relationships:recognition_pdf"}


@dataclass(frozen=True)
class Site:
    url: str
    pages: dict[str, list[str]]  # role -> paths of the HTML pages its crawl reached
    sessions: dict[str, str]  # role -> session cookie value
    mentee_relationship: str  # the path of the demo mentee's active relationship


class _Samples(Mapping[str, int]):
    """How many addresses of each route the crawl fetches: ROUTE_SAMPLES, else one."""

    def __getitem__(self, route: str) -> int:
        return 0 if route in SKIPPED_ROUTES else ROUTE_SAMPLES.get(route, 1)

    def __contains__(self, route: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(ROUTE_SAMPLES)

    def __len__(self) -> int:
        return len(ROUTE_SAMPLES)


def _pages(client: Client, role: str) -> list[str]:
    """The role's HTML pages: one address per route, a few for the routes of ROUTE_SAMPLES."""
    visits = crawl_pages(client, role, per_route=max(ROUTE_SAMPLES.values()), limits=_Samples())
    return [v.url for v in visits if v.status == 200 and v.is_html]


@pytest.fixture(scope="module")
def site(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Site]:
    """The seeded demo, served; committed (the server may use its own connection), then flushed."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock(), fast_demo_settings():
        server = None
        try:
            demo_seed(people=200, seed=1)
            pages, sessions = {}, {}
            for role in ROLES:
                client = Client()
                client.force_login(User.objects.get(username=role))
                pages[role] = _pages(client, role)
                sessions[role] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
            mentee_relationship = Relationship.objects.filter(
                mentee__person__user__username="mentee", status=RelationshipStatus.ACTIVE
            ).first()
            assert mentee_relationship is not None, "the demo mentee has an active relationship"
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()
            yield Site(
                url=server.url,
                pages=pages,
                sessions=sessions,
                mentee_relationship=f"/relationships/{mentee_relationship.pk}/",
            )
        finally:
            if server is not None:
                server._live_server_modified_settings.disable()
                server.stop()
            call_command("flush", interactive=False, verbosity=0)


def signed_in(browser: Any, site: Site, role: str, viewport: dict[str, int]) -> Any:
    """A page of a new browser context signed in as `role` (its crawl's session)."""
    context = browser.new_context(viewport=viewport, reduced_motion="reduce")
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": site.sessions[role],
                "url": site.url,
            }
        ]
    )
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm prompts
    return page


# Tables wider than the box they sit in, outside a scrolling region (mentorwise.js puts every
# table in one): their last columns would be cut off (tables hide their overflow), and the
# links there out of reach on a phone.
CUT_OFF_TABLES = """() => [...document.querySelectorAll('table')]
  .filter(t => !t.closest('.table-scroll') && t.offsetParent !== null)
  .filter(t => {
    const box = t.parentElement.getBoundingClientRect();
    const cells = [...t.querySelectorAll('th, td')].map(c => c.getBoundingClientRect());
    return cells.some(c => c.right > box.right + 1 || c.left < box.left - 1);
  })
  .map(t => 'a table is cut off: ' + (t.querySelector('th, td')?.textContent || '').trim())"""


def axe_problems(page: Any, axe: Any) -> list[str]:
    """The serious and critical axe-core violations of the page, one line per element."""
    results = axe.run(page, options=AXE_OPTIONS).response
    return [
        f"{violation['id']} ({violation['impact']}): {node['html'][:160]}"
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"][:5]
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone_and_passes_axe(browser: Any, site: Site, role: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = signed_in(browser, site, role, PHONE)
    problems: list[str] = []
    checked = 0
    for path in site.pages[role]:
        response = page.goto(site.url + path)
        assert response is not None and response.ok, (
            f"{role} {path}: {response and response.status}"
        )
        checked += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{path}: {width} px wide at {PHONE['width']} px")
        problems.extend(f"{path}: {p}" for p in page.evaluate(CUT_OFF_TABLES))
        problems.extend(f"{path}: {p}" for p in axe_problems(page, axe))
    assert checked >= 10, f"{role} reached only {checked} pages"
    assert problems == [], f"{role} at {PHONE['width']} px:\n" + "\n".join(problems)


def test_hr_admin_navigation_fits_one_row_at_1366_px(browser: Any, site: Site) -> None:
    page = signed_in(browser, site, "hr.admin", LAPTOP)
    page.goto(site.url + "/")
    entries = page.locator("nav[aria-label=Main] > ul > li")
    assert entries.count() >= 6
    tops = {round(box["y"]) for box in (e.bounding_box() for e in entries.all()) if box}
    assert len(tops) == 1, f"the navigation wraps onto {len(tops)} rows"
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    # Every page is reachable: the grouped menus open and hold the pages of the old row.
    labels = set(
        page.locator("nav[aria-label=Main] a").evaluate_all("els => els.map(e => e.textContent)")
    )
    assert {"Home", "Relationships", "People", "Import", "Audit log", "Pipeline"} <= labels
    page.get_by_text("People", exact=True).first.click()
    link = page.locator("nav[aria-label=Main] a", has_text="Import")
    assert link.is_visible()
    page.keyboard.press("Escape")
    assert not link.is_visible()
    # By keyboard: a menu opens with Enter and closes when the focus leaves it.
    tab_until(page, lambda el: el["text"] == "Insights")
    page.keyboard.press("Enter")
    pipeline = page.locator("nav[aria-label=Main] a", has_text="Pipeline")
    assert pipeline.is_visible()
    tab_until(page, lambda el: el["text"] == "Pipeline")
    page.keyboard.press("Tab")
    assert not pipeline.is_visible()


def test_equity_tables_are_not_cut_off_at_1366_px(browser: Any, site: Site) -> None:
    equity = [p for p in site.pages["hr.admin"] if p.endswith("/equity/")]
    assert equity, "the HR admin's crawl reaches an equity page"
    page = signed_in(browser, site, "hr.admin", LAPTOP)
    page.goto(site.url + equity[0])
    regions = page.locator(".table-scroll")
    assert regions.count() >= 1
    for region in regions.all():
        fits = region.evaluate("r => r.scrollWidth <= r.clientWidth + 1")
        assert fits, "an equity table is wider than its card at 1366 px"
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]


def test_the_menu_collapses_on_a_phone_and_opens_by_keyboard(browser: Any, site: Site) -> None:
    page = signed_in(browser, site, "hr.admin", PHONE)
    page.goto(site.url + "/")
    home = page.locator("nav[aria-label=Main] a", has_text="Relationships")
    assert not home.is_visible()  # collapsed behind "Menu"
    menu = page.locator("summary", has_text="Menu")
    assert menu.is_visible()
    tab_until(page, lambda el: el["text"] == "Menu")
    page.keyboard.press("Enter")
    assert home.is_visible()
    page.keyboard.press("Escape")  # closes the panel, back on "Menu"
    assert not home.is_visible()
    assert page.evaluate("document.activeElement.textContent") == "Menu"
    page.keyboard.press("Enter")
    tab_until(page, lambda el: el["text"] == "People")
    page.keyboard.press("Enter")
    tab_until(page, lambda el: el["text"] == "Import")
    page.keyboard.press("Enter")
    page.wait_for_url(site.url + "/people/import/")


# Keyboard ------------------------------------------------------------------------------

# What the focused element is and whether its focus can be seen: an outline or a box shadow
# that differs from the unfocused element, and the element inside the viewport.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 60),
    href: el.getAttribute("href") || "",
    label: el.labels && el.labels.length ? el.labels[0].innerText.trim() : "",
    visible: outline || style.boxShadow !== "none",
    inView: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
  };
}"""
MAX_TABS = 400


def tab_until(page: Any, wanted: Any, *, stops: list[dict[str, Any]] | None = None) -> dict:
    """Press Tab until the focused element is `wanted`; every stop must show its focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue  # past the end of the page: the browser's own controls
        if stops is not None:
            stops.append(focused)
        assert focused["visible"], f"no visible focus on {focused}"
        assert focused["inView"], f"the focused element is out of view: {focused}"
        if wanted(focused):
            return focused
    raise AssertionError(f"not reached with {MAX_TABS} presses of Tab")


def test_the_mentee_logs_a_meeting_with_the_keyboard_alone(browser: Any, site: Site) -> None:
    page = signed_in(browser, site, "mentee", LAPTOP)
    page.goto(site.url + "/")
    stops: list[dict[str, Any]] = []
    # Home -> her active relationship.
    tab_until(page, lambda el: el["href"] == site.mentee_relationship, stops=stops)
    page.keyboard.press("Enter")
    page.wait_for_url(site.url + site.mentee_relationship)
    # The form "Log a meeting that took place", field by field.
    tab_until(page, lambda el: el["label"].startswith("Held at"), stops=stops)
    held = timezone.localtime(timezone.now() - dt.timedelta(days=1)).replace(hour=9, minute=30)
    page.keyboard.type(held.strftime("%m%d%Y"))
    page.keyboard.press("ArrowRight")  # to the time part
    page.keyboard.type("0930AM")
    tab_until(page, lambda el: el["label"].startswith("Topics"), stops=stops)
    page.keyboard.type("Keyboard-only walkthrough")
    tab_until(page, lambda el: el["tag"] == "button" and el["text"] == "Log meeting", stops=stops)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.get_by_text("Keyboard-only walkthrough").first.wait_for()
    assert len(stops) >= 5
    # No trap: from here Tab goes through the rest of the page to its last link.
    tab_until(page, lambda el: el["href"] == "/api/docs")


def test_the_outcomes_page_waits_without_reloading_and_can_be_paused(
    browser: Any, site: Site
) -> None:
    """While computing, only the status line asks again (pausable); the page never reloads."""
    from django.core.cache import cache
    from django.utils import timezone as tz

    from mentorwise.insights.program_outcomes import _cache_key, outcomes_compute
    from mentorwise.programs.models import Program

    pending = [p for p in site.pages["hr.admin"] if p.endswith("/outcomes/")]
    assert pending, "the HR admin's crawl reaches an outcomes page"
    # Whatever the crawl computed: this program's results are being computed by a worker.
    program = Program.objects.get(slug=pending[0].rstrip("/").split("/")[-2])
    key = _cache_key(program, tz.localdate())
    cache.delete(key)
    cache.set(f"{key}:pending", True, 600)
    page = signed_in(browser, site, "hr.admin", LAPTOP)
    checks: list[str] = []
    page.on("request", lambda r: checks.append(r.url) if "check=1" in r.url else None)
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    page.goto(site.url + pending[0])
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    status = page.locator("#outcome-status[role=status]")
    assert "Not ready yet" in status.inner_text()
    page.wait_for_timeout(5600)
    assert checks, "the status line asks again after 5 s"
    # Paused: no more requests.
    page.get_by_role("button", name="Pause automatic checks").click()
    asked = len(checks)
    page.wait_for_timeout(5600)
    assert len(checks) == asked
    # The results become ready (what the worker does); resumed, the line says so and links.
    outcomes_compute.call(program.pk)
    page.get_by_role("button", name="Pause automatic checks").click()
    status.get_by_role("link", name="Show the results").wait_for(timeout=12_000)
    assert loads == [site.url + pending[0]], "the page itself was never reloaded"


@pytest.mark.parametrize("role", ROLES)
def test_translated_pages_fit_a_phone_in_the_pseudo_locale(
    browser: Any, site: Site, role: str
) -> None:
    """The pseudo-locale's 40% longer words on the translated pages (tests/
    test_translated_pages.py) still fit 390 px: German and French need the room."""
    from mentorwise.core.languages import PSEUDO
    from tests.crawl import route_of
    from tests.test_translated_pages import TRANSLATED, pseudo_settings

    paths = [p for p in site.pages[role] if (r := route_of(p)) and r[0] in TRANSLATED]
    problems: list[str] = []
    with pseudo_settings():
        page = signed_in(browser, site, role, PHONE)
        # Chosen as a person does, through the picker (the server writes it: the test's own
        # connection may not write while the server's holds the in-memory database).
        page.goto(site.url + "/account/")
        page.select_option("#language-picker", PSEUDO.code)
        page.click(".language-picker button")
        try:
            for path in paths:
                page.goto(site.url + path)
                assert page.evaluate("document.documentElement.lang") == PSEUDO.code, path
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    problems.append(f"{path}: {width} px wide at {PHONE['width']} px")
        finally:
            page.goto(site.url + "/account/")
            page.select_option("#language-picker", "en")
            page.click(".language-picker button")
            page.wait_for_load_state()
    assert paths, f"{role} reached no translated page"
    assert problems == [], f"{role}, pseudo-locale:\n" + "\n".join(problems)
