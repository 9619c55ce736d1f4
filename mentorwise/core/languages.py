"""Which languages Mentorwise speaks, and which one each person gets.

The one list of shipped languages (`SHIPPED`), the pseudo-locale used by the tests, and the
rule that picks a person's language: their own choice (the account page), else the first
language of their HRIS record that Mentorwise ships, else — on a page — what the browser
asks for, else the site's default (`LANGUAGE_CODE`). E-mails, reminders and invitations use
the recipient's language by the same rule (without a browser).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from django.conf import settings
from django.utils import translation

from mentorwise.core.pseudo import pseudo


@dataclass(frozen=True)
class Language:
    code: str  # Django's language code (BCP 47, lower case)
    name: str  # its own name for itself, as the language picker shows it
    english: str  # its English name, as an HRIS file may spell it


SHIPPED: tuple[Language, ...] = (
    Language("en", "English", "english"),
    Language("de", "Deutsch", "german"),
    Language("fr", "Français", "french"),
    Language("es", "Español", "spanish"),
    Language("ja", "日本語", "japanese"),
    Language("ar", "العربية", "arabic"),  # right to left: Django's LANGUAGES_BIDI,
)

# Accented, 40% longer and bracketed English: makes an untranslated string or a layout that
# cannot take longer words visible. Offered only where MENTORWISE_PSEUDO_LOCALE is on.
PSEUDO = Language("en-xa", "[Ƥšéûðö]", "pseudo")


def available() -> tuple[Language, ...]:
    """The languages people can choose here (the pseudo-locale only where switched on)."""
    pseudo = getattr(settings, "MENTORWISE_PSEUDO_LOCALE", False)
    return (*SHIPPED, PSEUDO) if pseudo else SHIPPED


def django_languages(*, pseudo: bool) -> list[tuple[str, str]]:
    """`settings.LANGUAGES`."""
    return [
        (language.code, language.name) for language in (*SHIPPED, *([PSEUDO] if pseudo else []))
    ]


def supported(code: str | None) -> str | None:
    """The available language `code` stands for ("de-CH" → "de", "German" → "de"), or None."""
    if not code:
        return None
    text = code.strip().lower().replace("_", "-")
    for language in available():
        if text in (language.code, language.english, language.name.lower()):
            return language.code
    base = text.split("-")[0]
    for language in available():
        if base == language.code:
            return language.code
    return None


def first_supported(codes: Iterable[str]) -> str | None:
    for code in codes:
        language = supported(code)
        if language is not None:
            return language
    return None


def chosen_language(user: Any) -> str | None:
    """The language `user` (a login, or None) has chosen or their HRIS record gives, if any.

    Reads `user.language` and `user.person.languages` (the session check loads the person
    with the login, so on a page this costs no query)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    own = supported(getattr(user, "language", ""))
    return own if own is not None else record_language(getattr(user, "person", None))


def record_language(person: Any) -> str | None:
    """The first language of `person`'s HRIS record that Mentorwise ships (None: none)."""
    return first_supported(getattr(person, "languages", None) or [])


def language_of(recipient: Any) -> str:
    """The language to write to `recipient` in: a login, or a person (through their login if
    they have one). Falls back to the site's default language."""
    user = recipient
    if not hasattr(recipient, "is_authenticated"):  # a Person
        user = getattr(recipient, "user", None) if recipient is not None else None
        if user is None:
            return record_language(recipient) or settings.LANGUAGE_CODE
    return chosen_language(user) or settings.LANGUAGE_CODE


def language_from(*, chosen: str | None, record: Iterable[str] | None) -> str:
    """`language_of`'s rule from plain values (a query's columns, for many recipients at
    once): the login's own choice `chosen` (None without a login), else the first language
    of the HRIS `record` that Mentorwise ships, else the site's default."""
    return supported(chosen) or first_supported(record or ()) or settings.LANGUAGE_CODE


@contextmanager
def speaking_to(recipient: Any) -> Iterator[str]:
    """Renders what is inside in `recipient`'s language (for e-mails, `.ics`, reminders)."""
    language = language_of(recipient)
    with translation.override(language):
        yield language


def language_name(code: str | None) -> str:
    """The language's own name ("Deutsch"), "" for None or a code not offered here."""
    return next((language.name for language in available() if language.code == code), "")


def spoken_languages(codes: Iterable[str]) -> str:
    """Languages as the reader names them ("English, Chinese"; in German "Englisch und
    Chinesisch"), from codes or names as an HRIS record holds them; a code CLDR does not
    know is shown as it is. The pseudo-locale gets the English names, pseudo-translated."""
    active = translation.get_language() or settings.LANGUAGE_CODE
    is_pseudo = active == PSEUDO.code
    try:
        locale = Locale.parse("en" if is_pseudo else active.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    names = []
    for code in codes:
        name = locale.languages.get(code.strip().lower().replace("-", "_").split("_")[0])
        if name is None:
            names.append(code)
        else:
            names.append(pseudo(name) if is_pseudo else name)
    if is_pseudo:
        return ", ".join(names)
    return format_list(names, locale=locale) if names else ""
