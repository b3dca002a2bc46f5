"""Raw strings by field path -> the application JSON, with what is missing or invalid."""
from __future__ import annotations

from typing import Any

from forms.pdf.coerce import Unreadable, checkbox_state, clean_text, coerce, match_choice, truthy
from forms.pdf.errors import PdfRejected
from forms.pdf.fields import (CONTACT_ANY, KIND_FIELD, KINDS, LANGUAGE_FIELD, LANGUAGES, Field,
                              fields_for, option_name)
from forms.pdf.parsed import ParsedForm


class _Result:
    def __init__(self, raw: dict[str, str], source: str) -> None:
        self.raw, self.source = raw, source
        self.missing: list[str] = []
        self.invalid: dict[str, str] = {}

    def ticked(self, key: str) -> bool:
        """A checkbox or radio option: a state name from fields, a typed yes/X from text."""
        value = self.raw.get(key, "")
        if self.source == "fields":
            return checkbox_state(value)
        try:
            return truthy(clean_text(value, multiline=False))
        except Unreadable as exc:
            self.invalid.setdefault(key, exc.message)
            return False


def build_application(raw: dict[str, str], source: str) -> ParsedForm:
    """Typed application from raw values; raises PdfRejected when it is not one of our forms."""
    kind = clean_text(raw.get(KIND_FIELD, ""), multiline=False).lower()
    if kind not in KINDS:
        raise PdfRejected("not_an_amparo_form",
                          "This is not an Amparo application form, or its form type is unreadable.")
    language = clean_text(raw.get(LANGUAGE_FIELD, ""), multiline=False).lower()
    app: dict[str, Any] = {"kind": kind, "language": language if language in LANGUAGES else "en",
                           "applicant": {}, "threat": {"types": [], "imminent": False}}
    res = _Result(raw, source)
    for field in fields_for(kind):
        value = _value(res, field)
        if value is not None:
            _put(app, field.path, value)
        elif field.required and field.path not in res.invalid:
            res.missing.append(field.path)
    if not any(p.split(".", 1)[1] in app["applicant"] or p in res.invalid for p in CONTACT_ANY):
        res.missing.extend(CONTACT_ANY)  # a way to reach the applicant is required
    app.setdefault("request", {})
    return ParsedForm(application=app, missing=res.missing, invalid=res.invalid, source=source)


def _value(res: _Result, field: Field) -> Any:
    """The typed value of one field, or None when absent or invalid (recorded in ``res``)."""
    if field.type == "multi":
        return _multi(res, field)
    if field.type == "choice":
        return _choice(res, field)
    raw = res.raw.get(field.path, "")
    if field.type == "bool":
        return res.ticked(field.path) if raw.strip() else False
    if not clean_text(raw, multiline=False):
        return None
    try:
        return coerce(field, raw)
    except Unreadable as exc:
        res.invalid[field.path] = exc.message
        return None


def _multi(res: _Result, field: Field) -> list[str] | None:
    chosen = {c for c in field.choices if res.ticked(option_name(field, c))}
    listed = res.raw.get(field.path, "")  # a typed "[T2] ...: death_threat, raid" line
    if clean_text(listed, multiline=False):
        try:
            chosen.update(coerce(field, listed))
        except Unreadable as exc:
            res.invalid[field.path] = exc.message
    ordered = [c for c in field.choices if c in chosen]
    return ordered or None


def _choice(res: _Result, field: Field) -> str | None:
    raw = clean_text(res.raw.get(field.path, ""), multiline=False).strip("/")
    if raw and raw.casefold() != "off":
        try:
            return match_choice(field, raw)
        except Unreadable as exc:
            res.invalid[field.path] = exc.message
            return None
    ticked = [c for c in field.choices if res.ticked(option_name(field, c))]
    if len(ticked) > 1:
        res.invalid[field.path] = "Choose only one option."
        return None
    return ticked[0] if ticked else None


def _put(app: dict[str, Any], path: str, value: Any) -> None:
    head, _, rest = path.partition(".")
    if not rest:
        app[head] = value
        return
    app.setdefault(head, {})
    _put(app[head], rest, value)
