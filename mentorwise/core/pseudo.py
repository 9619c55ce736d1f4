"""The pseudo-locale's "translation": accented, 40% longer, bracketed English.

    pseudo("Your account")            → "[Ýöûŕ åççöûñţ ·····]"
    pseudo("%(count)s days left")     → "[%(count)s ðåýš ļéƒţ ····]"

A page shown in the pseudo-locale makes two faults visible: text that was never marked for
translation (plain English, no brackets) and layouts that break when words grow, as German
and French ones do. Placeholders (`%(name)s`, `%s`, `{name}`), HTML tags and entities pass
through unchanged, so the pseudo catalog compiles and renders like a real one.
"""

from __future__ import annotations

import math
import re

OPEN, CLOSE = "[", "]"
PAD = "·"
GROWTH = 0.4

_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)

# What must survive untouched: printf and brace placeholders, HTML tags and entities.
_PROTECTED = re.compile(
    r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifgeExXr%]"
    r"|\{[^{}]*\}"
    r"|<[^>]+>"
    r"|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);"
)


def pseudo(text: str) -> str:
    """`text` in the pseudo-locale; the empty string stays empty."""
    if not text:
        return text
    pieces: list[str] = []
    position = 0
    for match in _PROTECTED.finditer(text):
        pieces.append(text[position : match.start()].translate(_ACCENTED))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(text[position:].translate(_ACCENTED))
    body = "".join(pieces)
    # A trailing newline (or other space) stays last, as gettext requires of a translation.
    stripped = body.rstrip()
    trailing = body[len(stripped) :]
    visible = len(_PROTECTED.sub("", text))
    # The padding comes in words of at most five, so that lines can still break in it (one
    # long run overflowed narrow screens, where no real language would).
    extra = max(1, math.ceil(visible * GROWTH))
    padding = " ".join(PAD * min(5, extra - start) for start in range(0, extra, 5))
    return f"{OPEN}{stripped} {padding}{CLOSE}{trailing}"


def is_pseudo(text: str) -> bool:
    """Whether `text` (a visible piece of a page) holds pseudo-translated text."""
    return OPEN in text and PAD in text
