"""Whole pages of forms are the same with the Python widget writer (core.widgets) as with
Django's widget templates, byte for byte apart from the per-request CSRF token."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mentorwise.relationships.tests.factories import started_relationship

pytestmark = pytest.mark.django_db


def _without_csrf(html: str) -> str:
    """The page with its CSRF tokens (64 letters and digits, masked anew per request) blanked."""
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "TOKEN", html)


def test_the_relationship_page_is_the_same_with_either_renderer(
    client: Any, mentee: Any, mentor: Any, settings: Any
) -> None:
    """Agreement, goals, meetings, check-ins, closure: about a dozen forms."""
    relationship = started_relationship(mentee, mentor)
    client.force_login(mentee)
    url = f"/relationships/{relationship.pk}/"
    assert settings.FORM_RENDERER == "mentorwise.core.widgets.WidgetRenderer"
    python_page = client.get(url).content.decode()
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    template_page = client.get(url).content.decode()
    assert python_page.count("<input") > 10 and python_page.count("<select") >= 2
    assert _without_csrf(python_page) == _without_csrf(template_page)


def test_the_people_directory_is_the_same_with_either_renderer(
    client: Any, hr_admin: Any, settings: Any
) -> None:
    client.force_login(hr_admin)
    python_page = client.get("/people/?q=a").content.decode()
    settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
    template_page = client.get("/people/?q=a").content.decode()
    assert python_page.count("<select") >= 4
    assert _without_csrf(python_page) == _without_csrf(template_page)
