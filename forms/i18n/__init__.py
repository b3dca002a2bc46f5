"""Translations: gettext catalogs (`forms/i18n/<lang>/LC_MESSAGES/*.po`) read with Babel.

`messages.po` holds what `pybabel update` keeps; each area may add its own `<area>.po` beside
it (merged in name order, so two people can add wording without editing one file at once).
Catalogs are compiled in memory from the .po files on first use, so no build step is needed.
"""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.core import negotiate_locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = ("en", "es", "fr", "pt", "ar", "sw")
# Each language named in itself, so she finds hers whatever language the page is in.
NAMES = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português",
         "ar": "العربية", "sw": "Kiswahili"}
RTL = {"ar"}
DEFAULT = "en"
I18N = Path(__file__).resolve().parent


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> NullTranslations:
    if lang not in LANGUAGES:
        return NullTranslations()
    catalog = merged_catalog(lang)
    if catalog is None:
        return NullTranslations()
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf)


def catalog_files(lang: str) -> list[Path]:
    """messages.po first, then the areas' own catalogs by name."""
    folder = I18N / lang / "LC_MESSAGES"
    main = [folder / "messages.po"] if (folder / "messages.po").exists() else []
    return main + sorted(p for p in folder.glob("*.po") if p.name != "messages.po")


def merged_catalog(lang: str) -> Catalog | None:
    """Every catalog of `lang` in one. The first translation of a msgid wins (messages.po,
    then the areas' catalogs by name), so an area's catalog cannot change a page's wording."""
    files = catalog_files(lang)
    if not files:
        return None
    merged: Catalog | None = None
    for path in files:
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        if merged is None:
            merged = catalog
            continue
        for message in catalog:
            if not (message.id and translated(message.string)):
                continue
            known = merged.get(message.id)
            if known is None:
                merged[message.id] = message
            elif not translated(known.string):  # Catalog's update would keep the old one
                known.string = message.string
    return merged


def translated(string: str | tuple[str, ...]) -> bool:
    """A msgstr with words in it; a plural entry needs every form."""
    return all(string) if isinstance(string, tuple) else bool(string)


def gettext(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


def choose_language(asked: str | None, accept_language: str) -> str | None:
    """`asked` when we speak it, else the best of the header that we speak, else None."""
    if asked in LANGUAGES:
        return asked
    return negotiate(accept_language)


def negotiate(accept_language: str) -> str | None:
    """Accept-Language with its q-values ("en;q=0.1, es" prefers Spanish), negotiated by
    Babel against the languages we have."""
    ranked: list[tuple[float, int, str]] = []
    for order, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, order, tag.strip().replace("-", "_")))
    preferred = [tag for _, _, tag in sorted(ranked)]
    return negotiate_locale(preferred, list(LANGUAGES))
