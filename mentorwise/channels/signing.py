"""How a webhook request is signed, and how a receiver checks it (the same rule, once).

`Mentorwise-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the
endpoint's secret>`. The timestamp is signed with the body, so a receiver that refuses
signatures older than a few minutes is safe against replayed requests.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "Mentorwise-Signature"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, now: int) -> bool:
    """Whether `header` signs `body` under `secret` within the tolerance of `now`."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
