"""The applicant's payout details: stored sealed, read by finance only (issue 17).

- at intake (`intake_rows`, called by applications.service) or later by receipt
  (`submit_by_receipt`); a change after approval holds the payment (payout_hold);
- finance's approval takes her stored details for the rail when no destination is given
  (`resolve_destination`), and is refused when a rail needs one and none is known
  (`require_destination`);
- finance pages and the API read a disbursement's destination with
  `destination_for_finance(session, d)` (whole, with her structured fields, the masked form,
  other applicants using the same destination, and an open change side by side) and
  `masked(destination)` for lists. No other role's view reads these.
"""
from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models.applications.info import application_by_receipt
from models.applications.sealed import data_key
from models.applications.tables import Applicant, Application
from models.core import audit, crypto
from models.core.base import utcnow
from models.core.errors import Invalid, NotFound
from models.money import payout_hold, payout_repository as repo
from models.money.payout_rules import (
    NEEDS_DESTINATION, PayoutInvalid, clean, destination_text, masked, masked_fields,
)
from models.money.payout_store import fields_of, new_detail
from models.money.payout_tables import PayoutDetail
from models.money.tables import Disbursement

__all__ = ["masked", "destination_for_finance", "submit_by_receipt", "intake_rows",
           "resolve_destination", "require_destination", "fields_of"]
def intake_rows(*, raw: dict[str, Any] | None, kind: str, application: Application,
                applicant: Applicant, dek: bytes,
                programme_rails: tuple[str, ...] | None = None) -> list[PayoutDetail]:
    """The payout row of a new application (already checked by its schema), on a rail her
    programme offers (`programme_rails`; None: every rail of her country)."""
    if not raw:
        return []
    try:
        rail, fields = clean(raw, applicant.country, kind=kind, programme_rails=programme_rails)
    except PayoutInvalid as exc:
        raise Invalid("invalid payout details", fields=exc.fields()) from None
    return [new_detail(application_id=application.id, applicant_id=applicant.id, rail=rail,
                       fields=fields, dek=dek, source="intake")]


def programme_rails_of(session: Session, application: Application) -> list[str] | None:
    """The rails her programme offers; None: every rail of her country."""
    from models.programmes.tables import Programme
    programme = session.get(Programme, application.programme_id)
    return programme.payout_rails if programme is not None else None


def submit_by_receipt(*, session: Session, receipt: str, raw: Any) -> PayoutDetail:
    """Her details sent later with her receipt. NotFound for an unknown receipt, Invalid
    naming each bad field (`payout.iban`). A change after approval holds the payment."""
    application = application_by_receipt(session, receipt)
    applicant = session.get(Applicant, application.applicant_id)
    dek = data_key(applicant) if applicant else None
    if applicant is None or dek is None:
        raise NotFound("unknown receipt")
    try:
        rail, fields = clean(raw, applicant.country, kind=application.kind,
                             programme_rails=programme_rails_of(session, application))
    except PayoutInvalid as exc:
        raise Invalid("invalid payout details", fields=exc.fields()) from None
    old = repo.current(session, application.id)
    if old is not None and old.rail == rail and fields_of(session, old, dek) == fields:
        return old  # the same details again: nothing changes
    new = new_detail(application_id=application.id, applicant_id=applicant.id, rail=rail,
                     fields=fields, dek=dek, source="receipt")
    if old is not None:
        old.replaced_at = utcnow()
        session.add(old)
    session.add(new)
    session.flush()
    audit.record(session, actor="applicant", action="payout.details", entity="application",
                 entity_id=application.id,
                 data={"rail": rail, "detail_id": new.id, "changed": old is not None,
                       "duplicates": len(_duplicates(session, new))})
    if old is not None:
        payout_hold.details_changed(session=session, application=application, old=old,
                                    new=new)
    return new


# --- finance's approval ------------------------------------------------------------------

def resolve_destination(session: Session, d: Disbursement, rail: str,
                        destination: str | None) -> tuple[str | None, str | None]:
    """(destination, payout detail id) for an approval of `rail`: the one given; or the one
    already on the disbursement for that rail; or her stored details for that rail."""
    if destination and destination.strip():
        return destination, None
    if d.rail == rail and d.destination_enc:
        return None, d.payout_detail_id
    detail = repo.current(session, d.application_id)
    if detail is None or detail.rail != rail:
        return None, None
    fields = fields_of(session, detail)
    return (destination_text(rail, fields) if fields else None), detail.id


def require_destination(d: Disbursement) -> None:
    if d.rail in NEEDS_DESTINATION and not d.destination_enc:
        raise Invalid("this rail needs a destination", fields={
            "destination": "where the money goes: none was given and the applicant has "
                           "stored none for this rail"})


# --- what finance sees --------------------------------------------------------------------

def destination_for_finance(session: Session, d: Disbursement) -> dict[str, Any]:
    """Finance only: the whole destination, her fields, the masked forms, duplicates, and an
    open change (old and new side by side, masked)."""
    text = crypto.decrypt(d.destination_enc, crypto.aad_for("disbursement", d.id,
                                                           "destination"))
    detail = session.get(PayoutDetail, d.payout_detail_id) if d.payout_detail_id else None
    current = repo.current(session, d.application_id)
    fields = fields_of(session, detail)
    return {
        "rail": d.rail, "destination": text, "masked": masked(text),
        "fields": fields, "fields_masked": masked_fields(fields),
        "stored": ({"rail": current.rail, "fields": fields_of(session, current),
                    "at": current.created_at} if current else None),
        "duplicates": _duplicates(session, current) if current else [],
        "change": payout_hold.change_for_finance(session, d),
    }


def _duplicates(session: Session, detail: PayoutDetail) -> list[str]:
    """Application ids of other applicants whose current details go to the same place."""
    if not detail.destination_index:
        return []
    return sorted({row.application_id for row in repo.same_destination(
        session, detail.destination_index, detail.applicant_id)})
