"""Every query of the money area."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from models.core.db import lock
from models.core.errors import NotFound
from models.money.tables import (
    Disbursement, DisbursementApproval, ReconciliationReport, StripeEvent,
)
from models.money.workflow import RAIL_STRIPE, SENT


def get(session: Session, disbursement_id: str) -> Disbursement:
    row = session.get(Disbursement, disbursement_id)
    if row is None:
        raise NotFound("unknown disbursement")
    return row


def get_for_update(session: Session, disbursement_id: str) -> Disbursement:
    row = lock(session, Disbursement, disbursement_id)
    if row is None:
        raise NotFound("unknown disbursement")
    return row


def of_application(session: Session, application_id: str) -> list[Disbursement]:
    return list(session.exec(select(Disbursement)
                             .where(Disbursement.application_id == application_id)
                             .order_by(Disbursement.tranche, Disbursement.created_at)).all())


def approvals(session: Session, disbursement_id: str) -> list[DisbursementApproval]:
    return list(session.exec(select(DisbursementApproval).where(
        DisbursementApproval.disbursement_id == disbursement_id)
        .order_by(DisbursementApproval.created_at)).all())


def listing(session: Session, *, status: str | None = None, rail: str | None = None,
            programme_id: str | None = None, currency: str | None = None,
            created_before: datetime | None = None, limit: int = 500) -> list[Disbursement]:
    stmt = select(Disbursement)
    if status:
        stmt = stmt.where(Disbursement.status == status)
    if rail:
        stmt = stmt.where(Disbursement.rail == rail)
    if programme_id:
        stmt = stmt.where(Disbursement.programme_id == programme_id)
    if currency:
        stmt = stmt.where(Disbursement.currency == currency)
    if created_before:
        stmt = stmt.where(col(Disbursement.created_at) <= created_before)
    return list(session.exec(stmt.order_by(col(Disbursement.created_at).desc())
                             .limit(limit)).all())


def by_transfer(session: Session, transfer_id: str, *, for_update: bool = True
                ) -> Disbursement | None:
    stmt = select(Disbursement).where(Disbursement.stripe_transfer_id == transfer_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def sent_stripe_to(session: Session, destination_index: str, *, created_before: datetime
                   ) -> list[Disbursement]:
    """`sent` Stripe disbursements to one account whose transfer predates a payout."""
    stmt = (select(Disbursement)
            .where(Disbursement.rail == RAIL_STRIPE, Disbursement.status == SENT,
                   Disbursement.destination_index == destination_index,
                   col(Disbursement.sent_at) <= created_before)
            .order_by(Disbursement.id).with_for_update())
    return list(session.exec(stmt).all())


def stripe_with_transfer(session: Session, ids: list[str] | None = None
                         ) -> list[Disbursement]:
    stmt = select(Disbursement).where(Disbursement.rail == RAIL_STRIPE)
    if ids is not None:
        stmt = stmt.where(col(Disbursement.id).in_(ids))
    return list(session.exec(stmt).all())


def event_seen(session: Session, event_id: str) -> StripeEvent | None:
    return session.get(StripeEvent, event_id)


def latest_reports(session: Session, limit: int = 10) -> list[ReconciliationReport]:
    return list(session.exec(select(ReconciliationReport)
                             .order_by(col(ReconciliationReport.created_at).desc())
                             .limit(limit)).all())


def unsent_stripe(session: Session, *, approved_before: datetime) -> list[Disbursement]:
    """Approved Stripe money still without a transfer (its dispatch may have died)."""
    return list(session.exec(select(Disbursement).where(
        Disbursement.rail == RAIL_STRIPE, Disbursement.status == "approved",
        col(Disbursement.stripe_transfer_id).is_(None),
        col(Disbursement.approved_at) <= approved_before).limit(500)).all())
