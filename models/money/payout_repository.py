"""Every query about payout details (issue 17)."""
from __future__ import annotations

from sqlmodel import Session, col, delete, select

from models.money.payout_tables import PayoutChange, PayoutChangeApproval, PayoutDetail


def current(session: Session, application_id: str) -> PayoutDetail | None:
    return session.exec(select(PayoutDetail).where(
        PayoutDetail.application_id == application_id,
        col(PayoutDetail.replaced_at).is_(None))
        .order_by(col(PayoutDetail.created_at).desc())).first()


def history(session: Session, application_id: str) -> list[PayoutDetail]:
    return list(session.exec(select(PayoutDetail)
                             .where(PayoutDetail.application_id == application_id)
                             .order_by(col(PayoutDetail.created_at))).all())


def same_destination(session: Session, destination_index: str,
                     applicant_id: str) -> list[PayoutDetail]:
    """Current details of OTHER applicants with the same blind index."""
    return list(session.exec(select(PayoutDetail).where(
        PayoutDetail.destination_index == destination_index,
        PayoutDetail.applicant_id != applicant_id,
        col(PayoutDetail.replaced_at).is_(None)).limit(50)).all())


def open_change(session: Session, disbursement_id: str) -> PayoutChange | None:
    return session.exec(select(PayoutChange).where(
        PayoutChange.disbursement_id == disbursement_id,
        col(PayoutChange.closed_at).is_(None))
        .order_by(col(PayoutChange.created_at).desc())).first()


def change_approvals(session: Session, change_id: str) -> list[PayoutChangeApproval]:
    return list(session.exec(select(PayoutChangeApproval)
                             .where(PayoutChangeApproval.change_id == change_id)
                             .order_by(col(PayoutChangeApproval.created_at))).all())


def drop_change_approvals(session: Session, change_id: str) -> None:
    session.exec(delete(PayoutChangeApproval)  # type: ignore[call-overload]
                 .where(col(PayoutChangeApproval.change_id) == change_id))
