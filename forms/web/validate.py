"""Form data -> the CONTRACT application, and pydantic errors -> a message per field.

Messages are English msgids translated with the page's language; pydantic's own English
never reaches a defender. Every field is checked at once (the request part too), so one
round trip shows every problem.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from forms.web.numbers import OVER_CAP, over_cap, parse_amount  # noqa: F401
from forms.web.payout import trim_payout
from forms.web.schema import N_, WebField, fields_for
from models.applications.schemas import REQUEST_MODELS, ApplicationIn

Values = dict[str, Any]  # field name -> str, or list[str] for checkboxes

# pydantic error type -> message; {n} is filled from the error's context.
MESSAGES: dict[str, str] = {
    "missing": N_("Please fill this in."),
    "string_too_short": N_("Please fill this in."),
    "too_short": N_("Choose at least one."),
    "string_too_long": N_("This is too long. Please shorten it."),
    "too_long": N_("Too many chosen."),
    "string_pattern_mismatch": N_("This does not look right. Please check it."),
    "int_parsing": N_("Please write a whole number, e.g. 2."),
    "int_from_float": N_("Please write a whole number, e.g. 2."),
    "decimal_parsing": N_("Please write a number, e.g. 3000."),
    "decimal_max_places": N_("Use at most two decimals."),
    "decimal_max_digits": N_("This number is too large."),
    "greater_than": N_("Please write a number above zero."),
    "greater_than_equal": N_("This number is too small."),
    "less_than_equal": N_("This number is too large."),
    "date_parsing": N_("Please write a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": N_("Please write a date as YYYY-MM-DD."),
    "enum": N_("Please choose one of the options."),
    "literal_error": N_("Please choose one of the options."),
    "email": N_("Please write an e-mail address like name@example.org."),
}
FALLBACK = N_("This does not look right. Please check it.")
REACH = N_("Give an e-mail address or a phone number.")
CHILDREN = N_("There must be at least one adult: children must be fewer than people.")
ENDORSER_CONTACT = N_("Please say how to reach the person who vouches for you.")
KEPT = 32768  # characters of one answer kept to show again: the body cap is the real limit


def form_values(kind: str, form: Mapping[str, Any], getlist: Callable[[str], list]) -> Values:
    """What the person typed, per field, trimmed (kept to show the form again)."""
    values: Values = {}
    for field in fields_for(kind):
        if field.type == "checkboxes":
            allowed = {v for v, _ in field.options}
            values[field.name] = [v for v in getlist(field.name) if v in allowed]
        else:
            raw = form.get(field.name, "")
            values[field.name] = raw.strip()[:KEPT] if isinstance(raw, str) else ""
    return values


def _put(target: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


def _converted(field: WebField, raw: Any, lang: str = "en") -> Any:
    """None drops the key so pydantic's default applies."""
    if field.type == "checkbox":
        return raw in ("on", "true", "1", "yes")
    if field.type == "checkboxes":
        return list(raw)
    if raw == "":
        return None
    if field.type == "decimal":
        return parse_amount(raw, lang)
    return raw


def to_application(kind: str, values: Values, lang: str) -> dict[str, Any]:
    app: dict[str, Any] = {"kind": kind, "language": lang, "request": {}}
    for field in fields_for(kind):
        value = _converted(field, values.get(field.name, ""), lang)
        if value is not None:
            _put(app, field.name, value)
    endorser = app.get("endorser")
    if endorser is not None and not any(endorser.values()):
        app.pop("endorser")
    trim_payout(app)
    return app


def _field_of(loc: tuple, etype: str, kind: str) -> str:
    path = ".".join(str(p) for p in loc)
    if path == "applicant" and etype == "value_error":
        return "applicant.email"
    if path == "request" and kind == "shelter":
        return "request.children"
    return path


def _message(path: str, err: dict) -> str:
    etype = err.get("type", "")
    if path == "applicant.email" and etype == "value_error":
        msg = str(err.get("msg", ""))
        return REACH if "phone" in msg else MESSAGES["email"]
    if path == "request.children" and etype == "value_error":
        return CHILDREN
    if path == "endorser.contact" and etype in ("missing", "string_too_short"):
        return ENDORSER_CONTACT
    if etype.startswith("payout_"):  # its message is the msgid (models/money/payout_rules.py)
        return str(err.get("msg", FALLBACK))
    return MESSAGES.get(etype, FALLBACK)


def _collect(errors: dict[str, str], exc: ValidationError, kind: str, prefix: tuple) -> None:
    for err in exc.errors():
        loc = prefix + tuple(p for p in err.get("loc", ()) if not isinstance(p, int))
        path = _field_of(loc, err.get("type", ""), kind)
        errors.setdefault(path, _message(path, err))


def validate(kind: str, application: dict[str, Any], *, cap: tuple[Decimal, str] | None = None,
             ) -> tuple[ApplicationIn | None, dict[str, str]]:
    """(the valid application, {}) or (None, {field name: English msgid}). `cap` (the
    programme's cap per case in major units, its currency) refuses a larger amount here,
    before the case could be found "not eligible" for good."""
    errors: dict[str, str] = over_cap(application, cap)
    try:
        REQUEST_MODELS[kind].model_validate(application.get("request", {}))
    except ValidationError as exc:
        _collect(errors, exc, kind, ("request",))
    try:
        data = ApplicationIn.model_validate(application)
    except ValidationError as exc:
        _collect(errors, exc, kind, ())
        data = None
    errors.pop("", None)  # the request's own error, already named above
    known = [f.name for f in fields_for(kind)]
    shown = {k: v for k, v in errors.items() if k in known}
    if errors and not shown:  # an error no field owns: never let it pass silently
        shown = {known[0]: FALLBACK}
    return (data if not shown else None), shown
