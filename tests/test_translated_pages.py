"""Pages shown in the pseudo-locale hold no untranslated text.

Each demo role, with the pseudo-locale (`en-xa`) as its language, crawls every page it can
reach (tests/crawl.py); the pages of the routes in `TRANSLATED` must show nothing but
pseudo-translated text and data (tests/untranslated.py). `TRANSLATED` only grows: once a
page's texts are marked for translation, it joins the list, and a page that regresses (a new
text left unmarked) fails here. Every listed route must be reached by some role's crawl, so
the list cannot hold pages the test never sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings

from mentorwise.accounts.models import User
from mentorwise.core.languages import PSEUDO, django_languages
from mentorwise.demo.seed import DEMO_ROLES, DemoResult, demo_seed
from tests.crawl import crawl_pages
from tests.demo_world import fast_demo_settings, rolled_back
from tests.untranslated import data_values, untranslated

ROLES = [username for username, _, _ in DEMO_ROLES]

# Routes whose pages are fully translated (signed-in pages; the crawl reaches them).
TRANSLATED: set[str] = {
    "home",
    "accounts:account",
    "accounts:password_change",
    "accounts:tokens",
    "content:overview",
    "content:edit",
    "audit:list",
    "insights:program_outcomes",
    "programs:edit",
    "insights:overview",
    "insights:pipeline",
    "insights:program",
    "insights:program_equity",
    "people:detail",
    "people:import",
    "people:list",
    "people:login",
    "privacy:person",
    "learning:catalogue",
    "learning:module",
    "learning:module_create",
    "learning:program_requirements",
    "matches:find",
    "matches:mentees",
    "matches:program",
    "notifications:list",
    "programs:detail",
    "programs:enroll",
    "programs:enrollment_edit",
    "programs:list",
    "programs:my_enrollments",
    "programs:participants",
    "programs:skills",
    "programs:templates",
    "relationships:mine",
    "relationships:detail",
    "relationships:close",
    "relationships:program",
    "relationships:program_surveys",
    "relationships:program_safety",
    "relationships:program_survey_edit",
    "relationships:report",
    "relationships:survey",
    "relationships:recognition",
}
# Pages before signing in: (address, expected status).
TRANSLATED_ANONYMOUS = [("/login/", 200), ("/no-such-page/", 404)]


def pseudo_settings() -> override_settings:
    return override_settings(MENTORWISE_PSEUDO_LOCALE=True, LANGUAGES=django_languages(pseudo=True))


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoResult]:
    with django_db_blocker.unblock(), fast_demo_settings(), pseudo_settings(), rolled_back():
        result = demo_seed(people=120, seed=3)
        User.objects.filter(username__in=ROLES).update(language=PSEUDO.code)
        yield result


@pytest.fixture(scope="module")
def data(demo: DemoResult, django_db_blocker: Any) -> set[str]:
    with django_db_blocker.unblock():
        return data_values()


def test_translated_pages_show_no_untranslated_text(
    demo: DemoResult, data: set[str], db: None
) -> None:
    """One test for all roles (not one per role): the check that every listed route was
    reached needs every role's crawl in the same process."""
    problems: list[str] = []
    reached: set[str] = set()
    with pseudo_settings():
        for role in ROLES:
            client = Client(raise_request_exception=False)
            client.force_login(User.objects.get(username=role))
            for visit in crawl_pages(client, role):
                if visit.route not in TRANSLATED or visit.status != 200 or not visit.is_html:
                    continue
                reached.add(visit.route)
                html = client.get(visit.url).content.decode()
                problems += [f"{role} {visit.url}: {text!r}" for text in untranslated(html, data)]
    assert not problems, "\n".join(problems[:60])
    missing = TRANSLATED - reached
    assert not missing, f"no role's crawl reached {sorted(missing)}"


@pytest.mark.parametrize(("address", "status"), TRANSLATED_ANONYMOUS)
def test_pages_before_signing_in_are_translated(
    data: set[str], db: None, address: str, status: int
) -> None:
    with pseudo_settings():
        client = Client()
        client.cookies["django_language"] = PSEUDO.code
        response = client.get(address)
        assert response.status_code == status
        html = response.content.decode()
        assert 'lang="en-xa"' in html
        assert untranslated(html, data) == []


def test_the_oracle_finds_english_left_on_a_page(data: set[str]) -> None:
    name = next(value for value in sorted(data) if " " in value and value.istitle())
    page = (
        "<html><head><title>[Ýöûŕ åççöûñţ ·····]</title></head><body>"
        f'<p>[Ŵéļçöɱé ·····] {name}</p><p>Log out</p><p><code translate="no">first_name</code></p>'
        '<button title="Close the dialog">[×·]</button><script>var hello = "x"</script>'
        "</body></html>"
    )
    assert untranslated(page, data) == ["Log out", "Close the dialog"]
