"""`core.warmup`: what gunicorn's parent does once so that every worker starts warm."""

from __future__ import annotations

from unittest.mock import patch

from django.db import connections
from django.template import engines
from django.template.base import Parser

from mentorwise.core.warmup import project_templates, warm_process


def test_every_project_template_is_compiled_and_no_connection_is_left_open() -> None:
    names = project_templates()
    assert "base.html" in names and len(names) > 50
    assert all(not name.startswith("/") and ".." not in name for name in names)
    warmed = warm_process()
    assert warmed.failed == ()
    assert warmed.templates == len(names)
    # Warm: getting any of them again parses nothing.
    with patch.object(Parser, "parse", autospec=True, side_effect=Parser.parse) as parse:
        for name in names:
            engines["django"].get_template(name)
    assert parse.call_count == 0
    assert all(connection.connection is None for connection in connections.all())
