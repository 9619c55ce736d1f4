"""`core.warmup`: what gunicorn's parent does once so that every worker starts warm."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from django.db import connection, connections
from django.template import engines
from django.template.base import Parser

from mentorwise.core.warmup import project_templates, warm_process


@pytest.mark.django_db(transaction=True)  # outside a transaction, so a connection can close
def test_every_project_template_is_compiled_and_no_connection_is_left_open() -> None:
    connection.ensure_connection()  # as if something had read the database before
    names = project_templates()
    assert "base.html" in names and len(names) > 50
    assert all(not name.startswith("/") and ".." not in name for name in names)
    with patch.object(connections, "close_all", wraps=connections.close_all) as close_all:
        warmed = warm_process()
    close_all.assert_called_once()
    assert warmed.failed == ()
    assert warmed.templates == len(names)
    # Warm: getting any of them again parses nothing.
    with patch.object(Parser, "parse", autospec=True, side_effect=Parser.parse) as parse:
        for name in names:
            engines["django"].get_template(name)
    assert parse.call_count == 0
    # (SQLite ignores closing an in-memory database, the test database: it would be lost.)
    assert all(
        opened.connection is None or getattr(opened, "is_in_memory_db", lambda: False)()
        for opened in connections.all()
    )
