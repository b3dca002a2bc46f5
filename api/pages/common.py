"""What every page route shares: the language of a request, and the public page answered
with its CSRF cookie and security headers.

A route reads the request once (form fields, language, CSRF) and hands plain values to
forms/ (forms.web.common.public_html renders them).
"""
from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.pages import csrf
from forms.i18n import DEFAULT, LANGUAGES, choose_language
from forms.web.common import public_html

# The pages load nothing from elsewhere; the browser enforces it.
CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def pick_language(request: Request) -> str:
    """?lang= first, then Accept-Language, then English."""
    return choose_language(request.query_params.get("lang"),
                           request.headers.get("accept-language", "")) or DEFAULT


def form_language(request: Request, form: Any | None = None) -> str:
    """A language switch button, then the form's hidden field, then ?lang=, Accept-Language."""
    if form is not None:
        for key in ("switch_lang", "lang"):
            value = form.get(key)
            if value in LANGUAGES:
                return value
    return pick_language(request)


def page(request: Request, template: str, context: dict[str, Any], *, lang: str,
         status_code: int = 200) -> HTMLResponse:
    token = csrf.token_for(request)
    # language links lead to a page that answers GET (never to a POST-only path)
    lang_base = request.url.path if request.method == "GET" else "/apply"
    html = public_html(template, context, lang=lang, csrf=token, lang_base=lang_base)
    response = HTMLResponse(html, status_code=status_code)
    csrf.set_cookie(request, response, token)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Content-Language"] = lang
    return response
