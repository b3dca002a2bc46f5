"""What every public page shows around its form: the language switch, the quick exit, the
kinds' titles, country names in the reader's language. Plain values in, plain values out:
the routes (api/pages/common.py) read the request and answer."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel import Locale

from forms.i18n import LANGUAGES, translations
from forms.render import render_html
from forms.web.schema import SUMMARIES, TITLES

EXIT_URL = "https://www.bbc.com/weather"  # neutral: a weather page
LANGUAGE_NAMES = (("en", "English"), ("es", "Español"), ("fr", "Français"),
                  ("pt", "Português"), ("ar", "العربية"), ("sw", "Kiswahili"))
_NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB", "XK"}


@lru_cache(maxsize=len(LANGUAGES))
def countries(lang: str) -> tuple[tuple[str, str], ...]:
    """(ISO code, name in `lang`) sorted by name, from Babel's CLDR data."""
    names = Locale.parse(lang).territories
    pairs = [(code, name) for code, name in names.items()
             if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES]
    return tuple(sorted(pairs, key=lambda p: p[1].casefold()))


def gettext_for(lang: str):  # noqa: ANN201
    return translations(lang).gettext


def public_html(template: str, context: dict[str, Any], *, lang: str, csrf: str,
                lang_base: str) -> str:
    """A public page: its own context on the shared frame (languages, quick exit, titles).
    `lang_base` is where the language links lead (a page that answers GET)."""
    ctx = {"languages": LANGUAGE_NAMES, "exit_url": EXIT_URL, "csrf": csrf,
           "titles": TITLES, "summaries": SUMMARIES, "switch_form": None,
           "lang_base": lang_base, **context}
    return render_html(template, ctx, lang=lang)
