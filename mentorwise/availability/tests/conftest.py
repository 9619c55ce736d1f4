"""Fixtures of the calendar tests: the real Radicale server (radicale.py), and no waiting
on 429s (the waits are recorded instead)."""

from __future__ import annotations

from typing import Any

import pytest

from mentorwise.availability.providers import http
from mentorwise.availability.tests.radicale import radicale

__all__ = ["radicale"]


@pytest.fixture(autouse=True)
def _calendar_settings(settings: Any, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    settings.MENTORWISE_ALLOW_PLAIN_HTTP = True
    waits: list[float] = []
    monkeypatch.setattr(http, "sleep", waits.append)
    return waits
