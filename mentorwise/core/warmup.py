"""Warm a web server's parent process once, so that every worker it forks starts warm.

A gunicorn worker that imports the project itself spends seconds before its first answer:
measured on the 100,000-person demo, 13 s to boot and 9 s for its first page (the views'
imports, compiling the templates, reading the translation catalogs), during which the
requests it holds wait and the other workers carry its share. `mentorwise serve` loads the
application in gunicorn's parent (`--preload`) and, before the first fork, `warm_process`
does those first-request costs there (`core.gunicorn_conf.when_ready`). Workers are forked
with all of it in shared memory, and so is each worker that replaces one after
`--max-requests`: it answers its first request like any other.

Nothing here reads the database: no connection may be open when workers fork (they would
share its socket), so the function ends by closing any.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Warmed:
    templates: int
    languages: int
    failed: tuple[str, ...]


def project_templates() -> list[str]:
    """The names of the project's own templates (every `templates` folder in the package)."""
    package = Path(__file__).resolve().parent.parent
    names: set[str] = set()
    for folder in package.glob("**/templates"):
        names.update(
            path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()
        )
    return sorted(names)


def warm_process() -> Warmed:
    """Import every view (the URL resolver), compile the project's templates into the cached
    loader, read every language's catalog, and close database connections. A template that
    does not compile is logged and left to fail on its page."""
    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module
    get_resolver()._populate()  # the reverse lookup tables `reverse()` builds on first use
    failed = []
    templates = project_templates()
    engine = engines["django"]
    for name in templates:
        try:
            engine.get_template(name)
        except TemplateSyntaxError:
            logger.warning("template %s does not compile", name, exc_info=True)
            failed.append(name)
    with translation.override(None):
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                translation.gettext("Home")
    connections.close_all()
    return Warmed(
        templates=len(templates) - len(failed),
        languages=len(settings.LANGUAGES),
        failed=tuple(failed),
    )
