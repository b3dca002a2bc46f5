"""Every query of the relocation area."""
from __future__ import annotations

from sqlmodel import Session, col, or_, select

from models.core.audit import AuditEvent
from models.relocation.tables import Relocation


def relocation_of(session: Session, application_id: str) -> Relocation | None:
    return session.exec(select(Relocation).where(or_(
        Relocation.visa_application_id == application_id,
        Relocation.shelter_application_id == application_id,
        Relocation.grant_application_id == application_id))).first()


def recent(session: Session, limit: int = 100) -> list[Relocation]:
    return list(session.exec(select(Relocation).order_by(col(Relocation.created_at).desc())
                             .limit(limit)).all())


def events_for(session: Session, entity_ids: list[str]) -> list[AuditEvent]:
    if not entity_ids:
        return []
    return list(session.exec(select(AuditEvent).where(col(AuditEvent.entity_id).in_(entity_ids))
                             .order_by(col(AuditEvent.seq))).all())
