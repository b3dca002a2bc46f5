"""Translations: gettext catalogs (`forms/i18n/<lang>/LC_MESSAGES/messages.po`) read with Babel.

Catalogs are compiled in memory from the .po files on first use, so no build step is needed.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = ("en", "es", "fr", "pt", "ar", "sw")
RTL = {"ar"}
DEFAULT = "en"
I18N = Path(__file__).resolve().parent


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> NullTranslations:
    po = I18N / lang / "LC_MESSAGES" / "messages.po"
    if lang not in LANGUAGES or not po.exists():
        return NullTranslations()
    import io
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf)


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
