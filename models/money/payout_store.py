"""Sealing and opening payout details (the applicant's data key; erasure shreds them)."""
from __future__ import annotations

from sqlmodel import Session

from models.applications.sealed import data_key
from models.applications.tables import Applicant
from models.core import crypto
from models.money.payout_rules import normalised_destination
from models.money.payout_tables import PayoutDetail

INDEX_PURPOSE = "payout_destination"


def _aad(detail_id: str) -> str:
    return crypto.aad_for("payout_detail", detail_id, "details")


def new_detail(*, application_id: str, applicant_id: str, rail: str, fields: dict[str, str],
               dek: bytes, source: str) -> PayoutDetail:
    """A sealed row (not added): the fields under her data key, the destination as an HMAC
    blind index (a key derived from the secret key, like every other blind index)."""
    detail = PayoutDetail(application_id=application_id, applicant_id=applicant_id,
                          rail=rail, source=source)
    detail.details_enc = crypto.seal_json(dek, fields, _aad(detail.id))
    detail.destination_index = crypto.blind_index(normalised_destination(rail, fields),
                                                  INDEX_PURPOSE)
    return detail


def fields_of(session: Session, detail: PayoutDetail | None,
              dek: bytes | None = None) -> dict[str, str] | None:
    """Her details in clear (finance only), or None once erased."""
    if detail is None:
        return None
    if dek is None:
        applicant = session.get(Applicant, detail.applicant_id)
        dek = data_key(applicant) if applicant else None
    return crypto.open_json(dek, detail.details_enc, _aad(detail.id))
