"""Every query of the visa area."""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from models.applications.tables import Document
from models.visas.tables import VisaApproval, VisaCase, VisaItem, VisaLodging


def case_for_update(session: Session, case_id: str) -> VisaCase | None:
    return session.exec(select(VisaCase).where(VisaCase.id == case_id).with_for_update()).first()


def cases_of(session: Session, application_id: str) -> list[VisaCase]:
    return list(session.exec(select(VisaCase).where(VisaCase.application_id == application_id)
                             .order_by(col(VisaCase.member))).all())


def items_of(session: Session, case_ids: list[str]) -> list[VisaItem]:
    if not case_ids:
        return []
    return list(session.exec(select(VisaItem).where(col(VisaItem.case_id).in_(case_ids))
                             .order_by(col(VisaItem.case_id), col(VisaItem.code))).all())


def item_for_update(session: Session, item_id: str) -> VisaItem | None:
    return session.exec(select(VisaItem).where(VisaItem.id == item_id).with_for_update()).first()


def lodgings_of(session: Session, case_id: str) -> list[VisaLodging]:
    return list(session.exec(select(VisaLodging).where(VisaLodging.case_id == case_id)
                             .order_by(col(VisaLodging.created_at))).all())


def open_lodging(session: Session, case_id: str) -> VisaLodging | None:
    return session.exec(select(VisaLodging).where(VisaLodging.case_id == case_id,
                                                  col(VisaLodging.outcome).is_(None))
                        .order_by(col(VisaLodging.created_at).desc())).first()


def documents_for_items(session: Session, item_ids: list[str]) -> dict[str, Document]:
    """The newest upload per checklist item."""
    if not item_ids:
        return {}
    docs = session.exec(select(Document).where(Document.purpose == "visa_item",
                                               col(Document.ref_id).in_(item_ids))
                        .order_by(col(Document.created_at))).all()
    return {d.ref_id: d for d in docs if d.ref_id}


def open_cases(session: Session, limit: int = 300) -> list[VisaCase]:
    return list(session.exec(select(VisaCase).where(
        col(VisaCase.status).not_in(["travelled", "withdrawn"]))
        .order_by(col(VisaCase.documents_due).is_(None), col(VisaCase.documents_due),
                  col(VisaCase.created_at)).limit(limit)).all())


def appointments_between(session: Session, start: datetime, end: datetime) -> list[VisaCase]:
    return list(session.exec(select(VisaCase).where(
        VisaCase.status == "appointment", col(VisaCase.appointment_at) >= start,
        col(VisaCase.appointment_at) < end).order_by(col(VisaCase.appointment_at))).all())


def documents_due_before(session: Session, end: date) -> list[VisaCase]:
    """Cases still gathering papers whose deadline falls before `end` (overdue included)."""
    return list(session.exec(select(VisaCase).where(
        VisaCase.status == "documents", col(VisaCase.documents_due) < end)
        .order_by(col(VisaCase.documents_due))).all())


def approvers_of(session: Session, case_id: str) -> list[str]:
    return list(session.exec(select(VisaApproval.user_id)
                             .where(VisaApproval.case_id == case_id)).all())
