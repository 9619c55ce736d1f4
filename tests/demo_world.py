"""Seeding the demo organization inside tests: fast settings and a rolled-back world.

Module fixtures that seed the demo (the crawl, the browser test, the query budgets) share
these, so the settings that make seeding fast are written once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.test.utils import override_settings


def fast_demo_settings() -> override_settings:
    """Cheap password hashing, an in-process cache and e-mail kept in memory."""
    return override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )


@contextmanager
def rolled_back() -> Iterator[None]:
    """Everything written inside is rolled back at the end (module fixtures outside `db`)."""
    atomic = transaction.atomic()
    atomic.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
