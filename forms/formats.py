"""Jinja filters that show values in words and in the page's locale (issue 16), registered on
the one environment by forms/render.py. Each reads the page's `lang` from the context:

    {{ case.status|words("status") }} or {{ words(case.status, "status") }}   (forms/words.py)
    {{ case.amount|money(case.currency) }}                 3.000,50 € in Spanish
    {{ d.amount_minor|money(d.currency, minor=True) }}     integer minor units
    {{ moment|datetime }}  {{ day|date }}  {{ 2500|number }}  {{ flag|yesno }}
    {{ value|answer(key) }}   one answer of a form: codes in words, None as a dash, numbers
"""
from __future__ import annotations

from datetime import date as Date, datetime as DateTime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from forms.i18n import DEFAULT, translations
from forms.words import ANSWER_KINDS, words as in_words
from models.core.currency import to_major

DASH = "—"


def _lang(ctx: Context) -> str:
    return str(ctx.get("lang") or DEFAULT)


@pass_context
def words_filter(ctx: Context, code: Any, kind: str) -> str:
    return in_words(code, kind, translations(_lang(ctx)).gettext)


def money(value: Any, currency: str | None, lang: str, *, minor: bool = False) -> str:
    """An amount with its currency for `lang` ("3.000,50 €", "EUR 3,000.50" style by CLDR)."""
    if value is None or value == "":
        return DASH
    try:
        amount = to_major(int(value), currency) if minor else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if not currency:
        return number(amount, lang)
    return format_currency(amount, currency.upper(), locale=lang, currency_digits=True)


def number(value: Any, lang: str) -> str:
    if value is None or value == "":
        return DASH
    try:
        return format_decimal(Decimal(str(value)), locale=lang)
    except (InvalidOperation, ValueError):
        return str(value)


def _utc(moment: DateTime) -> DateTime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None \
        else moment.astimezone(timezone.utc)


def when(value: Any, lang: str) -> str:
    """Date and time in UTC for `lang` ("2 dic 2026, 11:04 UTC")."""
    if not value:
        return DASH
    if isinstance(value, str):
        try:
            value = DateTime.fromisoformat(value)
        except ValueError:
            return value
    moment = _utc(value)
    return f"{format_date(moment, 'medium', locale=lang)}, " \
           f"{format_time(moment, 'HH:mm', locale=lang)} UTC"


def day(value: Any, lang: str) -> str:
    if not value:
        return DASH
    if isinstance(value, str):
        try:
            value = Date.fromisoformat(value[:10])
        except ValueError:
            return value
    return format_date(value, "medium", locale=lang)


def answer(value: Any, key: str, lang: str) -> str:
    """One answer of a form as a person reads it: codes in words (by its field, forms.words
    ANSWER_KINDS), yes/no, numbers for `lang`, nothing as a dash, free text as it is."""
    gettext = translations(lang).gettext
    if isinstance(value, bool) or value is None or value == "" or value == []:
        return in_words(value, "flag", gettext)
    if isinstance(value, (list, tuple)):
        return ", ".join(answer(v, key, lang) for v in value)
    if isinstance(value, (int, float, Decimal)):
        return number(value, lang)
    if key in ANSWER_KINDS:
        return in_words(value, ANSWER_KINDS[key], gettext)
    return str(value)


def install(env: Environment) -> None:
    env.filters["words"] = words_filter
    env.globals["words"] = words_filter
    env.filters["money"] = pass_context(
        lambda ctx, v, currency=None, minor=False: money(v, currency, _lang(ctx), minor=minor))
    env.filters["answer"] = pass_context(lambda ctx, v, key="": answer(v, key, _lang(ctx)))
    env.filters["number"] = pass_context(lambda ctx, v: number(v, _lang(ctx)))
    env.filters["datetime"] = pass_context(lambda ctx, v: when(v, _lang(ctx)))
    env.filters["date"] = pass_context(lambda ctx, v: day(v, _lang(ctx)))
    env.filters["yesno"] = pass_context(
        lambda ctx, v: in_words(bool(v), "flag", translations(_lang(ctx)).gettext))
