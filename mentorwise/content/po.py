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


def too_large() -> InvalidInput:
    return InvalidInput([FieldError("file", _("is larger than 5 MB"))])


def po_parse(target: Target, content: bytes, language: str) -> dict[str, str]:
    """The translations into `language` a PO file holds for `target` (text id →
    translation). Fuzzy and empty entries are left out; InvalidInput names every problem: a
    file made for another language or program, an entry that is not a text of this target,
    or one written for an original that has changed since."""
    if len(content) > PO_MAX_BYTES:
        raise too_large()
    try:
        # polib reads a file when given a string that names one: a leading newline makes
        # sure an uploaded text is always parsed as the text it is. A byte-order mark, as
        # some editors write, is not part of it.
        po = polib.pofile("\n" + content.decode("utf-8-sig"))
    except (UnicodeDecodeError, OSError, ValueError) as error:
        raise InvalidInput(
            [FieldError("file", _("is not a PO file: %(error)s") % {"error": error})]
        ) from None
    errors: list[FieldError] = []
    made_for = po.metadata.get("X-Mentorwise-Target")
    if made_for and made_for != f"{target.kind}:{target.slug}":
        errors.append(
            FieldError("file", _("was made for %(other)s") % {"other": made_for}, value=made_for)
        )
    written_in = po.metadata.get("Language")
    if written_in and written_in.replace("_", "-").lower() != language:
        errors.append(
            FieldError(
                "file",
                _("holds translations into %(other)s, not %(language)s")
                % {"other": written_in, "language": language},
                value=written_in,
            )
        )
    if errors:
        raise InvalidInput(errors)
    known = target.units()
    texts: dict[str, str] = {}
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
