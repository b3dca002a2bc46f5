"""What every public page shares: language, CSRF token, quick exit, strict headers."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel import Locale
from fastapi import Request
from fastapi.responses import HTMLResponse

from forms import csrf
from forms.i18n import LANGUAGES, pick_language, translations
from forms.render import render
from forms.web.schema import SUMMARIES, TITLES

EXIT_URL = "https://www.bbc.com/weather"  # neutral: a weather page
LANGUAGE_NAMES = (("en", "English"), ("es", "Español"), ("fr", "Français"),
                  ("pt", "Português"), ("ar", "العربية"), ("sw", "Kiswahili"))
# The pages load nothing from elsewhere; the browser enforces it.
CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB", "XK"}


def form_language(request: Request, form: Any | None = None) -> str:
    """A language switch button, then the form's hidden field, then ?lang=, Accept-Language."""
    if form is not None:
        for key in ("switch_lang", "lang"):
            value = form.get(key)
            if value in LANGUAGES:
                return value
    return pick_language(request)


@lru_cache(maxsize=len(LANGUAGES))
def countries(lang: str) -> tuple[tuple[str, str], ...]:
    """(ISO code, name in `lang`) sorted by name, from Babel's CLDR data."""
    names = Locale.parse(lang).territories
    pairs = [(code, name) for code, name in names.items()
             if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES]
    return tuple(sorted(pairs, key=lambda p: p[1].casefold()))


def gettext_for(lang: str):  # noqa: ANN201
    return translations(lang).gettext


def page(request: Request, template: str, context: dict[str, Any], *, lang: str,
         status_code: int = 200) -> HTMLResponse:
    token = csrf.token_for(request)
    ctx = {"languages": LANGUAGE_NAMES, "exit_url": EXIT_URL, "csrf": token,
           "titles": TITLES, "summaries": SUMMARIES, "switch_form": None,
           # language links lead to a page that answers GET (never to a POST-only path)
           "lang_base": request.url.path if request.method == "GET" else "/apply", **context}
    response = render(request, template, ctx, lang=lang, status_code=status_code)
    csrf.set_cookie(request, response, token)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Content-Language"] = lang
    return response
