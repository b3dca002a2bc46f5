"""Translations: gettext catalogs (`forms/i18n/<lang>/LC_MESSAGES/*.po`) read with Babel.

`messages.po` holds what `pybabel update` keeps; each area may add its own `<area>.po` beside
it (merged in name order, so two people can add wording without editing one file at once).
Catalogs are compiled in memory from the .po files on first use, so no build step is needed.
"""
from __future__ import annotations

import hashlib
import io
import os
import threading
import time
from pathlib import Path

from babel.core import negotiate_locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from forms.cache import private_cache_dir

LANGUAGES = ("en", "es", "fr", "pt", "ar", "sw")
# Each language named in itself, so she finds hers whatever language the page is in.
NAMES = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português",
         "ar": "العربية", "sw": "Kiswahili"}
RTL = {"ar"}
DEFAULT = "en"
I18N = Path(__file__).resolve().parent


_loaded: dict[str, NullTranslations] = {}
_loading = threading.Lock()  # one thread reads a language; the others wait for its result


def translations(lang: str) -> NullTranslations:
    found = _loaded.get(lang)
    if found is None:
        with _loading:
            found = _loaded.get(lang) or _loaded.setdefault(lang, _load(lang))
    return found


def _load(lang: str) -> NullTranslations:
    """The compiled catalog, from the cache when the .po files are unchanged: parsing the six
    languages' .po files costs ~2 s of CPU, paid by every process at its first pages."""
    files = catalog_files(lang) if lang in LANGUAGES else []
    if not files:
        return NullTranslations()
    digest = hashlib.sha256(b"".join(p.name.encode() + p.read_bytes() for p in files))
    cached = private_cache_dir("amparo-i18n")
    cached = cached / f"{lang}-{digest.hexdigest()[:32]}.mo" if cached else None
    if cached is not None and cached.is_file():
        with cached.open("rb") as fh:
            return Translations(fp=fh)
    buf = io.BytesIO()
    write_mo(buf, merged_catalog(lang))
    if cached is not None:
        _write_privately(cached, buf.getvalue())
        _forget_old(cached.parent, lang)
    buf.seek(0)
    return Translations(fp=buf)


def _forget_old(folder: Path, lang: str, days: int = 7) -> None:
    """Catalogs of wording since changed: kept a week (another checkout may use them)."""
    too_old = time.time() - days * 86400
    for path in folder.glob(f"{lang}-*.mo"):
        try:
            if path.stat().st_mtime < too_old:
                path.unlink()
        except OSError:
            pass


def _write_privately(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(temporary, path)  # whole or absent, whoever writes it first
    except OSError:
        temporary.unlink(missing_ok=True)  # a cache: the pages work without it


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
