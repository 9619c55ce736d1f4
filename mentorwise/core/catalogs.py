"""The translation catalogs in `mentorwise/locale`: extract, fill the pseudo-locale, compile, check.

One extraction serves both `mentorwise translations update` (writes the catalogs) and
`mentorwise translations check` (the suite's test: the catalogs are what the code asks for,
no shipped language has an untranslated or fuzzy entry, and each compiled `.mo` says what its
`.po` says). Extraction is Django's `makemessages` (GNU xgettext), run in a scratch folder on
a copy of the catalogs, so a check never writes to the source tree. Compiling uses polib, so
the compiled catalogs ship in the package and an install needs no gettext tools.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import django
import polib
from django.core.management import call_command
from django.core.management.commands.makemessages import Command as MakeMessages
from django.test.utils import override_settings
from django.utils.translation import to_locale

from mentorwise.core.languages import PSEUDO, SHIPPED
from mentorwise.core.pseudo import pseudo

SOURCE_LANGUAGE = "en"
PACKAGE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = PACKAGE_DIR / "locale"
DOMAIN = "django"
# Not user-facing: tests, migrations (their texts are the models', which are extracted), the
# static files (the small script shows no text of its own).
IGNORED = ["tests", "*/tests/*", "migrations", "static", "locale", "__pycache__"]
PSEUDO_PLURALS = "nplurals=2; plural=(n != 1);"


def translated_locales() -> list[str]:
    """The gettext locale names with a catalog: every shipped language but the source one."""
    return [to_locale(language.code) for language in SHIPPED if language.code != SOURCE_LANGUAGE]


def all_locales() -> list[str]:
    return [*translated_locales(), to_locale(PSEUDO.code)]


def po_path(locale_dir: Path, locale: str) -> Path:
    return locale_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@contextlib.contextmanager
def _scratch_copy() -> Iterator[Path]:
    """A scratch folder holding `mentorwise` (a link to the package) and a copy of `locale`."""
    with tempfile.TemporaryDirectory(prefix="mentorwise-catalogs-") as scratch:
        root = Path(scratch)
        (root / "mentorwise").symlink_to(PACKAGE_DIR, target_is_directory=True)
        if LOCALE_DIR.exists():
            shutil.copytree(LOCALE_DIR, root / "locale")
        yield root


def _extract(root: Path) -> None:
    """Runs makemessages over `root/mentorwise` into `root/locale` (for every locale)."""
    previous = Path.cwd()
    os.chdir(root)
    try:
        with override_settings(LOCALE_PATHS=[str(root / "locale")]):
            # No fuzzy matching: a new text gets no guessed translation from a similar old one
            # (for short interface texts the guess is mostly wrong, and hides the text from
            # translators looking for what is untranslated).
            command = MakeMessages()
            command.msgmerge_options = [*command.msgmerge_options, "--no-fuzzy-matching"]
            call_command(
                command,
                locale=all_locales(),
                domain=DOMAIN,
                extensions=["html", "txt", "py", "ics"],
                ignore_patterns=IGNORED,
                symlinks=True,
                no_obsolete=True,
                add_location="file",
                verbosity=0,
                stdout=io.StringIO(),
            )
    finally:
        os.chdir(previous)
    for locale in all_locales():
        _tidy(po_path(root / "locale", locale), locale)


def _tidy(path: Path, locale: str) -> None:
    """Stable headers; the pseudo-locale's entries filled from their English."""
    catalog = polib.pofile(str(path), wrapwidth=100)
    catalog.metadata.pop("POT-Creation-Date", None)
    catalog.metadata.pop("PO-Revision-Date", None)
    catalog.metadata["Language"] = locale
    catalog.metadata["Project-Id-Version"] = "Mentorwise"
    catalog.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    catalog.metadata["Language-Team"] = "Mentorwise translators"
    catalog.metadata.pop("Last-Translator", None)
    catalog.metadata_is_fuzzy = False
    if locale == to_locale(PSEUDO.code):
        catalog.metadata["Plural-Forms"] = PSEUDO_PLURALS
        _add_django_messages(catalog)
        for entry in catalog:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: pseudo(entry.msgid), 1: pseudo(entry.msgid_plural)}
            else:
                entry.msgstr = pseudo(entry.msgid)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    catalog.header = "Mentorwise's user-facing text. See docs/translation.md."
    catalog.save(str(path))


def _add_django_messages(catalog: polib.POFile) -> None:
    """Django's own texts (form errors, password rules) join the pseudo catalog: real
    languages get them from Django's catalogs, the pseudo-locale from here."""
    django_dir = Path(django.__file__).resolve().parent
    sources = [django_dir / "conf" / "locale"] + [
        django_dir / "contrib" / app / "locale" for app in ("auth", "contenttypes", "sessions")
    ]
    known = {_key(entry) for entry in catalog}
    for source in sources:
        english = source / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"
        for entry in polib.pofile(str(english)):
            if entry.obsolete or not entry.msgid or _key(entry) in known:
                continue
            known.add(_key(entry))
            catalog.append(
                polib.POEntry(
                    msgctxt=entry.msgctxt,
                    msgid=entry.msgid,
                    msgid_plural=entry.msgid_plural,
                    flags=[flag for flag in entry.flags if flag != "fuzzy"],
                    occurrences=[("django", "")],
                )
            )


def compile_catalog(po: Path) -> None:
    polib.pofile(str(po)).save_as_mofile(str(po.with_suffix(".mo")))


def update() -> list[Path]:
    """Extracts the messages, merges them into every catalog, fills the pseudo-locale and
    compiles; returns the catalogs written."""
    written: list[Path] = []
    with _scratch_copy() as root:
        _extract(root)
        for locale in all_locales():
            target = po_path(LOCALE_DIR, locale)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(po_path(root / "locale", locale), target)
            compile_catalog(target)
            written.append(target)
    return written


@dataclass
class CatalogProblems:
    """What `check` found, per catalog; empty lists mean in sync and complete."""

    out_of_sync: dict[str, list[str]] = field(default_factory=dict)
    untranslated: dict[str, list[str]] = field(default_factory=dict)
    fuzzy: dict[str, list[str]] = field(default_factory=dict)
    stale_compiled: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.out_of_sync or self.untranslated or self.fuzzy or self.stale_compiled)

    def lines(self) -> list[str]:
        out: list[str] = []
        for title, found in (
            ("not in sync with the code (run `mentorwise translations update`)", self.out_of_sync),
            ("untranslated", self.untranslated),
            ("fuzzy (check the translation, then remove the flag)", self.fuzzy),
        ):
            for locale, ids in found.items():
                shown = "; ".join(repr(i) for i in ids[:5])
                more = f" and {len(ids) - 5} more" if len(ids) > 5 else ""
                out.append(f"{locale}: {len(ids)} {title}: {shown}{more}")
        out += [
            f"{locale}: the compiled .mo differs from the .po" for locale in self.stale_compiled
        ]
        return out


def _key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _entries(catalog: polib.POFile | polib.MOFile) -> dict[tuple[str, str, str], object]:
    return {
        _key(entry): (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
        for entry in catalog
        if not entry.obsolete
    }


def _label(key: tuple[str, str, str]) -> str:
    context, message, _plural = key
    return f"{context}|{message}" if context else message


def check() -> CatalogProblems:
    problems = CatalogProblems()
    with _scratch_copy() as root:
        _extract(root)
        for locale in all_locales():
            committed_path = po_path(LOCALE_DIR, locale)
            fresh = polib.pofile(str(po_path(root / "locale", locale)))
            committed = polib.pofile(str(committed_path)) if committed_path.exists() else None
            old = _entries(committed) if committed is not None else {}
            new = _entries(fresh)
            differing = sorted(set(old) ^ set(new)) + sorted(
                key for key in set(old) & set(new) if old[key] != new[key]
            )
            if differing:
                problems.out_of_sync[locale] = [_label(key) for key in differing]
            if committed is None:
                continue
            if locale != to_locale(PSEUDO.code):
                missing = [_label(_key(e)) for e in committed.untranslated_entries()]
                fuzzy = [_label(_key(e)) for e in committed.fuzzy_entries()]
                if missing:
                    problems.untranslated[locale] = missing
                if fuzzy:
                    problems.fuzzy[locale] = fuzzy
            compiled = committed_path.with_suffix(".mo")
            if not compiled.exists() or _entries(polib.mofile(str(compiled))) != {
                key: value for key, value in old.items() if key in _translated_keys(committed)
            }:
                problems.stale_compiled.append(locale)
    return problems


def _translated_keys(catalog: polib.POFile) -> set[tuple[str, str, str]]:
    """Entries a compiled catalog holds: translated and not fuzzy (as msgfmt and polib write)."""
    return {_key(entry) for entry in catalog.translated_entries()}
