"""Amounts as she writes them, read by Babel for her language: "3.000,50" in Spanish and
"3,000.50" in English are both 3000.50; Arabic-Indic digits too. What cannot be read is
passed on unchanged, so the usual field error says so (never a silent guess)."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import NumberFormatError, parse_decimal

from forms.web.schema import N_

SPACES = dict.fromkeys(map(ord, " \u00a0\u202f\u2009'"), None)
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
ONE_MARK = re.compile(r"(\d+)[.,](\d{1,2})")  # 3000,5 or 3000.50: the only mark is decimal
OVER_CAP = N_("This is more than this programme can give for one case. Please ask for at most "
              "the amount shown.")


def parse_amount(raw: str, lang: str) -> str:
    text = raw.translate(DIGITS).translate(SPACES)
    for locale in dict.fromkeys((lang, "en")):
        try:
            return str(parse_decimal(text, locale=locale, strict=True))
        except (NumberFormatError, ValueError):
            continue
    single = ONE_MARK.fullmatch(text)
    if single:
        return f"{single.group(1)}.{single.group(2)}"
    return text


def over_cap(application: dict[str, Any], cap: tuple[Decimal, str] | None) -> dict[str, str]:
    """{"request.amount": msgid} when a grant asks more than the cap in its currency."""
    request = application.get("request") or {}
    if cap is None or application.get("kind") != "grant" or "amount" not in request:
        return {}
    if str(request.get("currency") or "").upper() != cap[1].upper():
        return {}
    try:
        amount = Decimal(str(request["amount"]))
    except InvalidOperation:
        return {}
    return {"request.amount": OVER_CAP} if amount.is_finite() and amount > cap[0] else {}
