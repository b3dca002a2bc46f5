"""Fraud control: payout details changed after approval (issue 17).

An `approved` disbursement moves to `held` (the money stays committed) with a PayoutChange
naming the old and the new details; it goes back to `approved` only when finance approves
the new details again — as many different finance users as the disbursement needs
(`approvals_required`: two above the programme's single-approval threshold). A draft that
finance had already set up from her old details loses those details and its approvals (a
new approval takes the new ones). Money already sent is not touched. Every step audited,
ids and codes only.
"""
from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models.applications.tables import Application
from models.core import audit, crypto, outbox
from models.core.base import utcnow
from models.core.errors import Conflict
from models.core.workflow import APPLICANT, transition
from models.money import outcomes, payout_repository as repo, repository
from models.money.payout_rules import destination_text, masked_fields
from models.money.payout_store import fields_of
from models.money.payout_tables import PayoutChange, PayoutChangeApproval, PayoutDetail
from models.money.tables import Disbursement
from models.money.workflow import APPROVED, DISBURSEMENT, DRAFT, HELD, RAIL_STRIPE

FINANCE = "finance"
SEND_FLOW = "send-disbursement"


def details_changed(*, session: Session, application: Application, old: PayoutDetail,
                    new: PayoutDetail) -> None:
    for d in repository.of_application(session, application.id):
        d = repository.get_for_update(session, d.id)
        if d.status == APPROVED and not outcomes.send_in_flight(d):
            _hold(session, d, old, new)
        elif d.status == HELD:
            _renew(session, d, new)
        elif d.status == DRAFT and (d.payout_detail_id or repository.approvals(session, d.id)):
            _reset_draft(session, d)


def _hold(session: Session, d: Disbursement, old: PayoutDetail, new: PayoutDetail) -> None:
    transition(session, DISBURSEMENT, d, HELD, actor_role=APPLICANT, entity="disbursement",
               data={"reason": "payout_details_changed"})
    change = PayoutChange(disbursement_id=d.id, old_detail_id=d.payout_detail_id or old.id,
                          new_detail_id=new.id)
    session.add(change)
    session.add(d)
    audit.record(session, actor="applicant", action="disbursement.payout_changed",
                 entity="disbursement", entity_id=d.id,
                 data={"change_id": change.id, "old_rail": old.rail, "new_rail": new.rail})


def _renew(session: Session, d: Disbursement, new: PayoutDetail) -> None:
    """Changed again while held: the newest details wait, approvals so far start over."""
    change = repo.open_change(session, d.id)
    if change is None:
        return
    repo.drop_change_approvals(session, change.id)
    change.new_detail_id = new.id
    session.add(change)
    audit.record(session, actor="applicant", action="disbursement.payout_changed",
                 entity="disbursement", entity_id=d.id,
                 data={"change_id": change.id, "new_rail": new.rail, "again": True})


def _reset_draft(session: Session, d: Disbursement) -> None:
    for approval in repository.approvals(session, d.id):
        session.delete(approval)
    d.destination_enc = d.destination_index = d.payout_detail_id = None
    d.prepared_by = None
    session.add(d)
    audit.record(session, actor="applicant", action="disbursement.payout_changed",
                 entity="disbursement", entity_id=d.id, data={"draft_reset": True})


def reapprove(*, session: Session, d: Disbursement, user_id: str, rail: str | None,
              destination: str | None) -> Disbursement:
    """One finance approval of the new details of a held disbursement (already locked).
    `rail` is not a choice here (a form may send the old one): her new details decide it."""
    change = repo.open_change(session, d.id)
    if change is None:
        raise Conflict("nothing waits for approval here", code="not_draft")
    if d.hold_reason and not d.hold_cleared_at:
        raise Conflict("a compliance hold must be cleared first", code="compliance_hold")
    new = session.get(PayoutDetail, change.new_detail_id)
    assert new is not None
    if destination and destination.strip():  # the new details are approved as she gave them
        raise Conflict("approve the applicant's new details as they are",
                       code="details_locked")
    given = repo.change_approvals(session, change.id)
    if any(a.user_id == user_id for a in given):
        raise Conflict("you have already approved these details", code="approved_twice")
    session.add(PayoutChangeApproval(change_id=change.id, user_id=user_id))
    audit.record(session, actor=user_id, action="disbursement.payout_change_approval",
                 entity="disbursement", entity_id=d.id,
                 data={"change_id": change.id, "n": len(given) + 1,
                       "required": d.approvals_required})
    if len(given) + 1 >= d.approvals_required:
        _release(session, d, change, new, user_id)
    session.add(d)
    session.flush()
    return d


def _release(session: Session, d: Disbursement, change: PayoutChange, new: PayoutDetail,
             user_id: str) -> None:
    fields = fields_of(session, new) or {}
    d.rail = new.rail
    text = destination_text(new.rail, fields) if fields else None
    d.destination_enc = crypto.encrypt(text, crypto.aad_for("disbursement", d.id,
                                                           "destination"))
    d.destination_index = (crypto.blind_index(text, "stripe_account")
                           if new.rail == RAIL_STRIPE else None)
    d.payout_detail_id = new.id
    transition(session, DISBURSEMENT, d, APPROVED, actor_role=FINANCE, actor_id=user_id,
               entity="disbursement", data={"change_id": change.id})
    change.approved_at = change.closed_at = utcnow()
    session.add(change)
    if d.rail == RAIL_STRIPE:
        outbox.enqueue(session, flow=SEND_FLOW, entity_id=d.id)


def change_for_finance(session: Session, d: Disbursement) -> dict[str, Any] | None:
    """Old and new details side by side, masked but for the last digits; approvals so far."""
    change = repo.open_change(session, d.id) if d.status == HELD else None
    if change is None:
        return None
    old = session.get(PayoutDetail, change.old_detail_id) if change.old_detail_id else None
    new = session.get(PayoutDetail, change.new_detail_id)
    return {
        "id": change.id, "at": change.created_at,
        "old": {"rail": old.rail if old else None,
                "fields": masked_fields(fields_of(session, old))},
        "new": {"rail": new.rail if new else None,
                "fields": masked_fields(fields_of(session, new))},
        "approvals": len(repo.change_approvals(session, change.id)),
        "required": d.approvals_required,
    }
