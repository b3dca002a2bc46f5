"""Queries on the audit chain: the latest events, optionally of one entity."""
from __future__ import annotations

from sqlmodel import Session, select

from models.core.audit import AuditEvent

MAX_LIMIT = 500


def latest(session: Session, *, entity_id: str | None = None,
           limit: int = 100) -> list[AuditEvent]:
    """The newest events first; ids, codes and actions only (events hold no personal data)."""
    query = select(AuditEvent)
    if entity_id:
        query = query.where(AuditEvent.entity_id == entity_id)
    limit = max(1, min(int(limit), MAX_LIMIT))
    return list(session.exec(query.order_by(AuditEvent.seq.desc()).limit(limit)).all())  # type: ignore[attr-defined]
