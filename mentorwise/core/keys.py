"""Is a SECRET_KEY strong enough for production? Django's rule (security.W009), plus
placeholders copied from examples.

Django's `check --deploy` only *warns* about a weak key; Mentorwise refuses to start with one
when DEBUG is off (settings.py), because the key signs sessions, password-reset and
break-glass links: a guessable key lets anyone forge them. Imported by settings.py, so it
imports nothing that needs Django set up.
"""

from __future__ import annotations

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)

# Lower-case fragments of keys copied from tutorials, templates and .env examples. A random
# key of 50+ characters contains none of them (each is 6+ letters: odds below 1 in 10^9).
PLACEHOLDERS = (
    "changeme",
    "change-me",
    "change_me",
    "changethis",
    "change-this",
    "replaceme",
    "replace-me",
    "yoursecret",
    "your-secret",
    "your_secret",
    "secretkey",
    "secret-key",
    "secret_key",
    "placeholder",
    "notsecret",
    "not-secret",
    "insecure",
    "example",
    "mentorwise",
)

GENERATE = 'python -c "import secrets; print(secrets.token_urlsafe(50))"'


def secret_key_weakness(key: str) -> str | None:
    """Why `key` is too weak for production, or None when it is acceptable."""
    if key.startswith(SECRET_KEY_INSECURE_PREFIX):
        return f"it starts with {SECRET_KEY_INSECURE_PREFIX!r} (Django's throwaway keys)"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it has {len(key)} characters; at least {SECRET_KEY_MIN_LENGTH} are needed"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return (
            f"it has {len(set(key))} distinct characters; at least "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} are needed"
        )
    lowered = key.lower()
    for placeholder in PLACEHOLDERS:
        if placeholder in lowered:
            return f"it contains the placeholder {placeholder!r}"
    return None
