"""Turn the raw strings read from a PDF into typed values of the application JSON.

Every failure is a ``Unreadable`` carrying a fixed English message that never repeats the
input (it may be personal data).
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from forms.pdf.fields import Field, choice_labels
from forms.pdf.labels import wordings

YES = frozenset({
    "yes", "y", "x", "true", "on", "1", "si", "sí", "s", "oui", "o", "sim", "ndiyo", "ndio",
    "نعم", "✓", "✔", "☑", "☒", "✗", "✘", "●", "4", "l", "8",  # 4/l/8: ZapfDingbats check/dot/cross
})
NO = frozenset({"", "no", "n", "false", "off", "0", "non", "não", "nao", "hapana", "la", "لا", "-"})
FORMAT_MESSAGES = {
    "applicant.email": "Enter an e-mail address like name@example.org.",
    "applicant.phone": "Enter a phone number with its country code.",
    "applicant.country": "Enter a 2-letter country code, for example GT.",
    "request.destination_country": "Enter a 2-letter country code, for example DE.",
    "request.currency": "Enter a 3-letter currency code, for example EUR.",
}


class Unreadable(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def clean_text(raw: str, *, multiline: bool) -> str:
    """Trim and collapse layout whitespace; multi-line fields keep their line breaks."""
    if multiline:
        lines = [" ".join(line.split()) for line in raw.splitlines()]
        return "\n".join(line for line in lines if line).strip()
    return " ".join(raw.split())


def coerce(field: Field, raw: str) -> Any:
    """The typed value of ``raw`` for ``field``; raises Unreadable."""
    text = clean_text(raw, multiline=field.multiline)
    if field.type == "int":
        return _int(field, text)
    if field.type == "decimal":
        return _decimal(field, text)
    if field.type == "date":
        return _date(text)
    if field.type == "bool":
        return truthy(text)
    if field.type == "choice":
        return match_choice(field, text)
    if field.type == "multi":
        return [match_choice(field, part) for part in re.split(r"[,;/\n]+", text) if part.strip()]
    return _text(field, text)


def truthy(text: str) -> bool:
    value = text.strip().strip("/").casefold()
    if value in NO:
        return False
    if value in YES:
        return True
    raise Unreadable("Answer yes or no.")


def checkbox_state(name: str) -> bool:
    """An AcroForm button state: any name but Off means ticked (export names vary)."""
    return name.strip().strip("/").casefold() not in {"", "off"}


def match_choice(field: Field, text: str) -> str:
    """A choice key from its key or its label in any language, case-insensitively."""
    wanted = " ".join(text.strip().strip("/").split()).casefold()
    for key, label in choice_labels(field).items():
        names = {key, key.replace("_", " "), label}
        names.update(wordings(label))
        if wanted in {n.casefold() for n in names}:
            return key
    raise Unreadable("Choose one of the options on the form.")


def _text(field: Field, text: str) -> str:
    if len(text) > field.max_len:
        raise Unreadable(f"Too long: at most {field.max_len} characters.")
    if field.pattern:
        if field.max_len <= 3:  # country and currency codes
            text = text.upper()
        if field.path == "applicant.email":
            text = text.replace(" ", "")
        if not re.fullmatch(field.pattern, text):
            raise Unreadable(FORMAT_MESSAGES.get(field.path, "Check the format of this field."))
    return text


def _int(field: Field, text: str) -> int:
    digits = text.replace(" ", "")
    if not re.fullmatch(r"\d{1,6}", digits):
        raise Unreadable("Enter a whole number.")
    value = int(digits)
    if field.minimum is not None and value < field.minimum:
        raise Unreadable(f"Enter a number of at least {field.minimum}.")
    return value


def _decimal(field: Field, text: str) -> int | float:
    """Amounts in major units; '3,000', '3.000', '3000.50' and '3000,50' are all understood."""
    s = re.sub(r"[\s\u00a0\u202f']", "", text)
    s = re.sub(r"^[A-Za-z€$£]{1,3}|[A-Za-z€$£]{1,3}$", "", s)  # a currency written beside it
    if not re.fullmatch(r"\d[\d.,]{0,15}", s):
        raise Unreadable("Enter an amount like 3000 or 3000.50.")
    if "," in s and "." in s:
        decimal_sep = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if decimal_sep == "," else ",", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}([.,]\d{3})+", s):
        s = re.sub(r"[.,]", "", s)  # a thousands separator: nobody asks for 3.000 units
    s = s.replace(",", ".")
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise Unreadable("Enter an amount like 3000 or 3000.50.") from None
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise Unreadable("Enter an amount with at most two decimals.")
    if field.minimum is not None and value < field.minimum:
        raise Unreadable(f"Enter an amount of at least {field.minimum}.")
    return int(value) if value == value.to_integral_value() else float(value)


def _date(text: str) -> str:
    m = re.fullmatch(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})", text.strip())
    if not m:
        raise Unreadable("Enter a date as YYYY-MM-DD.")
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        raise Unreadable("Enter a date that exists, as YYYY-MM-DD.") from None
