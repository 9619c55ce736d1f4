"""The Teams app package an admin uploads (Teams admin center, Manage apps, Upload): a zip
of manifest.json and the two icons Teams requires (192 x 192 colour, 32 x 32 outline,
PNG), made here so that nothing has to be drawn by hand."""

from __future__ import annotations

import io
import json
import struct
import uuid
import zipfile
import zlib
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

MANIFEST_VERSION = "1.16"
COLOR = (0x1F, 0x4E, 0x79)


def _png(size: int, rgba: tuple[int, int, int, int]) -> bytes:
    """A square PNG of one colour (zlib and struct only)."""
    row = b"\x00" + bytes(rgba) * size
    raw = row * size

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def manifest(*, base_url: str) -> dict[str, Any]:
    """manifest.json for this installation (the app id is the bot's Microsoft app id)."""
    app_id = settings.MENTORWISE_TEAMS_APP_ID
    host = urlsplit(base_url).hostname or "localhost"
    return {
        "$schema": "https://developer.microsoft.com/en-us/json-schemas/teams/v1.16/MicrosoftTeams.schema.json",
        "manifestVersion": MANIFEST_VERSION,
        "version": "1.0.0",
        "id": str(uuid.UUID(app_id)) if _is_uuid(app_id) else app_id,
        "packageName": "org.mentorwise.bot",
        "developer": {
            "name": "Mentorwise",
            "websiteUrl": base_url,
            "privacyUrl": base_url,
            "termsOfUseUrl": base_url,
        },
        "name": {"short": "Mentorwise", "full": "Mentorwise mentoring"},
        "description": {
            "short": "Mentoring notifications and quick answers.",
            "full": (
                "Match offers, meeting reminders, nudges and check-in prompts from Mentorwise, "
                "with buttons to accept or decline a match, check in and snooze a reminder."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#1F4E79",
        "bots": [
            {
                "botId": app_id,
                "scopes": ["personal"],
                "supportsFiles": False,
                "isNotificationOnly": False,
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [host],
    }


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def package(*, base_url: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest(base_url=base_url), indent=2))
        archive.writestr("color.png", _png(192, (*COLOR, 255)))
        archive.writestr("outline.png", _png(32, (255, 255, 255, 255)))
    return buffer.getvalue()
