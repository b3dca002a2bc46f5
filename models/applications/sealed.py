"""Reading and writing the sealed fields of applicants and applications (DESIGN.md rule 5).

Every personal field is sealed with the applicant's data key and bound to its row and
column; erasing the wrapped key makes them all unreadable (None here).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from models.applications.tables import Applicant, Application
from models.core import crypto
from models.core.currency import to_major, to_minor_exact

PERSONAL = ("name", "email", "phone", "organisation", "pronouns")
def minor_units(amount: Decimal | int | float | str, currency: str) -> int:
    return int(to_minor_exact(amount, currency).to_integral_value())


def major_units(amount_minor: int | None, currency: str | None) -> float | None:
    if amount_minor is None:
        return None
    return float(to_major(amount_minor, currency))


def data_key(applicant: Applicant) -> bytes | None:
    """The applicant's data key, or None once erased."""
    if not applicant.data_key_wrapped:
        return None
    return crypto.unwrap_data_key(applicant.data_key_wrapped, applicant.id)


def seal_applicant(applicant: Applicant, dek: bytes, values: dict[str, str | None]) -> None:
    for field in PERSONAL:
        token = crypto.seal_with(dek, values.get(field),
                                 crypto.aad_for("applicant", applicant.id, field))
        setattr(applicant, f"{field}_enc", token)


def open_applicant(applicant: Applicant, dek: bytes | None = None) -> dict[str, str | None]:
    dek = dek if dek is not None else data_key(applicant)
    return {field: crypto.open_with(dek, getattr(applicant, f"{field}_enc"),
                                    crypto.aad_for("applicant", applicant.id, field))
            for field in PERSONAL}


def seal_details(application: Application, dek: bytes, details: dict[str, Any]) -> None:
    application.details_enc = crypto.seal_json(
        dek, details, crypto.aad_for("application", application.id, "details"))


def open_details(application: Application, dek: bytes | None) -> dict[str, Any]:
    value = crypto.open_json(dek, application.details_enc,
                             crypto.aad_for("application", application.id, "details"))
    return value or {}


def blind_indexes(values: dict[str, str | None]) -> dict[str, str | None]:
    phone = values.get("phone")
    digits = "".join(ch for ch in phone if ch.isdigit()) if phone else None
    return {"email_index": crypto.blind_index(values.get("email"), "email"),
            "phone_index": crypto.blind_index(digits, "phone"),
            "name_index": crypto.blind_index(values.get("name"), "name")}
