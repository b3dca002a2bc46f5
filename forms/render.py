"""Jinja2 rendering with gettext (Babel catalogs in forms/i18n) for every page.

`render(request, "area/page.html", {...}, lang=...)` answers an HTML page; templates use
`{{ _("text") }}`. The language comes from `?lang=`, then the form's hidden `lang`, then
Accept-Language (forms.i18n.pick_language).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from forms.i18n import RTL, pick_language, translations

TEMPLATES = Path(__file__).resolve().parent / "templates"

_env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                   autoescape=select_autoescape(["html", "xml"]),
                   extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           lang: str | None = None, status_code: int = 200) -> HTMLResponse:
    lang = lang or pick_language(request)
    trans = translations(lang)
    ctx = {"request": request, "lang": lang, "dir": "rtl" if lang in RTL else "ltr",
           "_": trans.gettext, "ngettext": trans.ngettext, **(context or {})}
    html = _env.get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status_code)


def environment() -> Environment:
    return _env
