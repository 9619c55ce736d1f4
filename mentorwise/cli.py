"""The `mentorwise` console script: Django's management commands with Mentorwise's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command (`mentorwise migrate`, `mentorwise demo`, ...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorwise.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["mentorwise", *argv])
    args[0] = "mentorwise"
    # `mentorwise import-people` runs the `import_people` command: hyphens read better in
    # a shell, Python module names need underscores.
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    execute_from_command_line(args)
