"""The catalogue of fields on the PDF application form.

Each field's ``path`` is its dotted path in the application JSON of CONTRACT.md and is also
the AcroForm field name. ``code`` is printed in brackets before the label (``[A1] Full name``)
so that a printed or typed copy can be read back from its text alone. Codes are stable:
never renumber them, only add new ones.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal["text", "int", "decimal", "date", "bool", "choice", "multi"]

KINDS: tuple[str, ...] = ("grant", "shelter", "visa")
LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "pt", "ar", "sw")
RTL_LANGUAGES: frozenset[str] = frozenset({"ar"})

THREAT_TYPES: tuple[str, ...] = (
    "death_threat", "physical_attack", "sexual_violence", "surveillance",
    "online_harassment", "criminalisation", "raid", "smear_campaign", "family_threat", "other",
)
THREAT_TYPE_LABELS: dict[str, str] = {
    "death_threat": "Death threat",
    "physical_attack": "Physical attack",
    "sexual_violence": "Sexual violence",
    "surveillance": "Surveillance",
    "online_harassment": "Online harassment",
    "criminalisation": "Criminalisation",
    "raid": "Raid",
    "smear_campaign": "Smear campaign",
    "family_threat": "Threats to family",
    "other": "Other",
}
PERPETRATORS: tuple[str, ...] = (
    "state", "non_state_armed", "corporate", "family_or_community", "unknown",
)
PERPETRATOR_LABELS: dict[str, str] = {
    "state": "State",
    "non_state_armed": "Non-state armed group",
    "corporate": "Company",
    "family_or_community": "Family or community",
    "unknown": "Unknown",
}

# Hidden fields the generator fills in; a typed copy carries them as printed K-lines.
KIND_FIELD = "kind"
LANGUAGE_FIELD = "language"
KIND_CODE = "K1"
LANGUAGE_CODE = "K2"

# At least one way to reach the applicant: when neither is given, both are named as missing.
CONTACT_ANY: tuple[str, ...] = ("applicant.email", "applicant.phone")


@dataclass(frozen=True)
class Field:
    path: str
    code: str
    type: FieldType
    label: str                      # English msgid, translated through labels.py
    section: str
    required: bool = False
    choices: tuple[str, ...] = ()   # for choice and multi
    minimum: int | None = None      # for int and decimal
    multiline: bool = False
    max_len: int = 200
    pattern: str | None = None      # regex the (normalised) text value must match


def _f(path: str, code: str, type_: FieldType, label: str, section: str, **kw: object) -> Field:
    return Field(path=path, code=code, type=type_, label=label, section=section, **kw)  # type: ignore[arg-type]


COUNTRY = r"[A-Z]{2}"
COMMON_FIELDS: tuple[Field, ...] = (
    _f("applicant.name", "A1", "text", "Full name", "About you", required=True),
    _f("applicant.email", "A2", "text", "E-mail", "About you",
       pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+"),
    _f("applicant.phone", "A3", "text", "Phone (with country code)", "About you", max_len=40,
       pattern=r"\+?[0-9 ()./-]{5,40}"),
    _f("applicant.country", "A4", "text", "Country (2-letter code, e.g. GT)", "About you",
       required=True, max_len=2, pattern=COUNTRY),
    _f("applicant.organisation", "A5", "text", "Organisation or collective", "About you"),
    _f("applicant.pronouns", "A6", "text", "Pronouns", "About you", max_len=40),
    _f("threat.description", "T1", "text", "What happened and what you fear", "The threat",
       required=True, multiline=True, max_len=4000),
    _f("threat.types", "T2", "multi", "Types of threat (tick all that apply)", "The threat",
       required=True, choices=THREAT_TYPES),
    _f("threat.imminent", "T3", "bool", "The danger is imminent (next days)", "The threat"),
    _f("threat.perpetrator", "T4", "choice", "Who is behind the threat", "The threat",
       choices=PERPETRATORS),
    _f("threat.prior_attacks", "T5", "int", "Number of earlier attacks", "The threat", minimum=0),
    _f("dependants", "D1", "int", "Number of dependants", "Family", minimum=0),
    _f("endorser.name", "E1", "text", "Name of endorser", "Person who can vouch for you"),
    _f("endorser.organisation", "E2", "text", "Endorser's organisation",
       "Person who can vouch for you"),
    _f("endorser.contact", "E3", "text", "Endorser's e-mail or phone",
       "Person who can vouch for you"),
)

REQUEST_FIELDS: dict[str, tuple[Field, ...]] = {
    "grant": (
        _f("request.amount", "R1", "decimal", "Amount requested", "Your request",
           required=True, minimum=1, max_len=20),
        _f("request.currency", "R2", "text", "Currency (3-letter code, e.g. EUR)",
           "Your request", required=True, max_len=3, pattern=r"[A-Z]{3}"),
        _f("request.purpose", "R3", "text", "What the grant will pay for", "Your request",
           required=True, multiline=True, max_len=2000),
    ),
    "shelter": (
        _f("request.people", "R1", "int", "Number of people", "Your request",
           required=True, minimum=1),
        _f("request.children", "R2", "int", "Of whom children", "Your request", minimum=0),
        _f("request.needs", "R3", "text", "Needs (accessibility, language, other)",
           "Your request", multiline=True, max_len=2000),
        _f("request.from_date", "R4", "date", "Arrival date (YYYY-MM-DD)", "Your request",
           required=True),
        _f("request.nights", "R5", "int", "Number of nights", "Your request",
           required=True, minimum=1),
    ),
    "visa": (
        _f("request.destination_country", "R1", "text", "Destination country (2-letter code)",
           "Your request", required=True, max_len=2, pattern=COUNTRY),
        _f("request.passport_valid_until", "R2", "date", "Passport valid until (YYYY-MM-DD)",
           "Your request", required=True),
        _f("request.family_members", "R3", "int", "Family members travelling", "Your request",
           minimum=0),
        _f("request.purpose", "R4", "text", "Purpose of travel", "Your request",
           required=True, multiline=True, max_len=2000),
    ),
}


def fields_for(kind: str) -> tuple[Field, ...]:
    """Every field of the form for ``kind``, in the order printed."""
    return COMMON_FIELDS + REQUEST_FIELDS[kind]


def required_paths(kind: str) -> list[str]:
    return [f.path for f in fields_for(kind) if f.required]


def option_code(field: Field, index: int) -> str:
    """Code of one checkbox of a multi field: T2a, T2b, ..."""
    return f"{field.code}{chr(ord('a') + index)}"


def option_name(field: Field, choice: str) -> str:
    """Name of one option: the AcroForm checkbox ``threat.types.death_threat`` of a multi
    field, or the raw-value key of a typed ``[T4a]`` line of a choice field."""
    return f"{field.path}.{choice}"


def choice_labels(field: Field) -> dict[str, str]:
    """English labels of a field's choices (msgids)."""
    if field.path == "threat.types":
        return THREAT_TYPE_LABELS
    if field.path == "threat.perpetrator":
        return PERPETRATOR_LABELS
    return {c: c for c in field.choices}


def codes_for(kind: str) -> dict[str, tuple[Field, str | None]]:
    """Printed code -> (field, choice) for the text reader; choice is set for checkboxes."""
    out: dict[str, tuple[Field, str | None]] = {}
    for field in fields_for(kind):
        out[field.code] = (field, None)
        # Each checkbox (multi) or radio option (choice) has its own code: [T2a], [T4b].
        for i, choice in enumerate(field.choices):
            out[option_code(field, i)] = (field, choice)
    return out
