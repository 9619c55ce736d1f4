"""The Connectors pages in headless Chromium at 390 px: no sideways scrolling, no table cut
off, no serious or critical axe-core violation (as tests/e2e does for the demo's pages,
which have no connector)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from conftest import make_user
from mentorwise.connectors.models import ConnectorRun, RunOutcome
from mentorwise.connectors.tests.conftest import make_connector
from mentorwise.people.models import ImportOutcome, ImportRun
from tests.e2e.test_layout_and_accessibility import CUT_OFF_TABLES, PHONE, axe_problems

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_connector_pages_fit_a_phone_and_pass_axe(browser: Any, live_server: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    admin = make_user(is_hr_admin=True)
    connector = make_connector(
        name="Workday production (EMEA and Americas)", kind="workday",
        base_url="https://wd2-impl-services1.workday.com", tenant="acme_corporation_production",
        username="ISU_Mentorwise_Integration", path="ISU_Mentorwise_Integration/Mentorwise_Workers",
    )  # fmt: skip
    make_connector(
        name="SFTP drop", kind="sftp", base_url="sftp.example.com", username="hris",
        path="outbound", host_key="SHA256:" + "A" * 43, schedule="hourly", every_hours=6,
    )  # fmt: skip
    imported = ImportRun.objects.create(
        source="connector", file_name="x", outcome=ImportOutcome.IMPORTED, created=12
    )
    common = {"connector": connector, "trigger": "schedule", "mode": "full", "records": 1200}
    ConnectorRun.objects.create(
        outcome=RunOutcome.IMPORTED, created=12, updated=3, import_run=imported, **common
    )
    ConnectorRun.objects.create(
        outcome=RunOutcome.FAILED,
        error="https://wd2-impl-services1.workday.com/ccx/service/customreport2/acme/ISU/"
        "Workers answered HTTP 503 after 6 attempts. It said: Service Unavailable",
        **common,
    )
    ConnectorRun.objects.create(outcome=RunOutcome.HELD, held_terminations=640, **common)
    client = Client()
    client.force_login(admin)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport=PHONE, reduced_motion="reduce")
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    axe = Axe()
    problems: list[str] = []
    paths = [
        "/people/connectors/",
        f"/people/connectors/{connector.pk}/",
        f"/people/connectors/{connector.pk}/edit/",
        "/people/connectors/new/",
    ]
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response is not None and response.ok, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{path}: {width} px wide at {PHONE['width']} px")
        problems.extend(f"{path}: {p}" for p in page.evaluate(CUT_OFF_TABLES))
        problems.extend(f"{path}: {p}" for p in axe_problems(page, axe))
    assert problems == [], "\n".join(problems)
