"""Code hygiene as part of the suite: lint rules, types and the one-way import architecture."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_finds_nothing() -> None:
    result = run(sys.executable, "-m", "ruff", "check", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_hold() -> None:
    lint_imports = shutil.which("lint-imports")
    assert lint_imports, "import-linter is a dev dependency: pip install -e '.[dev]'"
    result = run(lint_imports, "--no-cache")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr


def test_migrations_are_up_to_date() -> None:
    result = run(sys.executable, "-m", "mentorwise", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing() -> None:
    # With the project's settings (pyproject [tool.mypy]), which are strict mode.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert config.get("strict") is True, "pyproject [tool.mypy] must keep strict = true"
    result = run(sys.executable, "-m", "mypy", "mentorwise")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr
