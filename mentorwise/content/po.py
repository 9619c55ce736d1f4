"""Translations exchanged as gettext PO files, the format translation tools and agencies
read: one entry per text, `msgctxt` its id, `msgid` the default text, `msgstr` the
translation (marked fuzzy when it was written from an earlier default text)."""

from __future__ import annotations

import polib
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorwise import __version__
from mentorwise.content.status import target_status
from mentorwise.content.targets import Target, not_a_text
from mentorwise.core.errors import FieldError, InvalidInput

PO_MAX_BYTES = 5_000_000


def po_export(target: Target, language: str) -> str:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": f"Mentorwise {__version__}",
        "PO-Revision-Date": timezone.now().strftime("%Y-%m-%d %H:%M%z"),
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Mentorwise-Target": f"{target.kind}:{target.slug}",
        "X-Mentorwise-Source-Language": target.language,
    }
    for section, statuses in target_status(target, language):
        for status in statuses:
            entry = polib.POEntry(
                msgctxt=section.unit_id(status.unit),
                msgid=status.unit.source,
                msgstr=status.translation,
                comment=f"{section.title}: {status.unit.label}",
            )
            if status.state == "outdated":
                entry.flags.append("fuzzy")
            po.append(entry)
    return str(po)


def po_parse(target: Target, content: bytes) -> dict[str, str]:
    """The translations a PO file holds for `target` (text id → translation). Fuzzy and
    empty entries are left out; InvalidInput names every entry that cannot be used: not a
    text of this target, or written for a default text that has changed since."""
    if len(content) > PO_MAX_BYTES:
        raise InvalidInput([FieldError("file", _("is larger than 5 MB"))])
    try:
        # polib reads a file when given a string that names one: a leading newline makes
        # sure an uploaded text is always parsed as the text it is.
        po = polib.pofile("\n" + content.decode("utf-8"))
    except (UnicodeDecodeError, OSError, ValueError) as error:
        raise InvalidInput(
            [FieldError("file", _("is not a PO file: %(error)s") % {"error": error})]
        ) from None
    known = target.units()
    texts: dict[str, str] = {}
    errors: list[FieldError] = []
    for n, entry in enumerate(po, start=1):
        if entry.obsolete or "fuzzy" in entry.flags or not entry.msgstr.strip():
            continue
        text_id = entry.msgctxt or ""
        if text_id not in known:
            errors.append(
                FieldError(
                    text_id or "msgctxt",
                    not_a_text(target.kind),
                    row=n,
                )
            )
            continue
        if entry.msgid.strip() != known[text_id][1].source.strip():
            errors.append(
                FieldError(
                    text_id,
                    _("its text changed after the file was exported; export it again"),
                    row=n,
                )
            )
            continue
        texts[text_id] = entry.msgstr
    if errors:
        raise InvalidInput(errors)
    return texts
