"""Jinja2 rendering with gettext (Babel catalogs in forms/i18n) for every page.

`render_html("area/page.html", {...}, lang=...)` is the page's HTML; templates use
`{{ _("text") }}`. It takes plain values: the route (api/pages/) reads the request, picks
the language and the CSRF token, and wraps the HTML in a response.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape

from forms import formats
from forms.cache import private_cache_dir
from forms.web import payout as payout_form
from forms.i18n import NAMES, RTL, translations

TEMPLATES = Path(__file__).resolve().parent / "templates"

_compiled = private_cache_dir("amparo-templates")  # compiling all 68 takes 1.5-3.5 s
_env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                   bytecode_cache=FileSystemBytecodeCache(str(_compiled)) if _compiled else None,
                   autoescape=select_autoescape(["html", "xml"]),
                   extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True,
                   auto_reload=False)  # templates ship with the code: no stat() per page
formats.install(_env)  # words(code, kind), money, date, datetime, number, yesno
_env.globals["language_names"] = NAMES  # the staff sign-in page's language links
payout_form.install(_env)  # payout_fields(rail): the status page's payout form (issue 17)


def render_html(template: str, context: dict[str, Any] | None = None, *, lang: str) -> str:
    trans = translations(lang)
    ctx = {"lang": lang, "dir": "rtl" if lang in RTL else "ltr",
           "_": trans.gettext, "ngettext": trans.ngettext, **(context or {})}
    return _env.get_template(template).render(ctx)


def environment() -> Environment:
    return _env
