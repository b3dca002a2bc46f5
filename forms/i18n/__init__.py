"""Translations: gettext catalogs (`forms/i18n/<lang>/LC_MESSAGES/messages.po`) read with Babel.

Catalogs are compiled in memory from the .po files on first use, so no build step is needed.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Request

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


def pick_language(request: Request) -> str:
    """?lang= first, then Accept-Language, then English."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked  # type: ignore[return-value]
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT
