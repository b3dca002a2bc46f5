"""Notices to staff (e-mail), de-duplicated by a key made of ids so a re-run never sends twice."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Field, Session, SQLModel, col, select

from models.core.base import id_field, time_field


class Notice(SQLModel, table=True):
    id: str = id_field()
    dedupe_key: str = Field(unique=True, max_length=200)
    kind: str = Field(max_length=64)
    recipient_id: str | None = Field(default=None, foreign_key="staff_user.id")
    application_id: str | None = Field(default=None, max_length=32, index=True)
    created_at: datetime = time_field(nullable=False, default_now=True)
    sent_at: datetime | None = time_field(index=True)
    attempts: int = 0
    # Set while one sender has the e-mail on its way: others leave it alone until then.
    claimed_until: datetime | None = time_field()


def queue_notice(session: Session, *, kind: str, recipient_id: str, application_id: str | None,
                 dedupe_key: str) -> Notice | None:
    """Queue once; returns None when this notice was already queued."""
    if session.exec(select(Notice).where(Notice.dedupe_key == dedupe_key)).first():
        return None
    notice = Notice(kind=kind, recipient_id=recipient_id, application_id=application_id,
                    dedupe_key=dedupe_key)
    session.add(notice)
    return notice


def release_claims(session: Session) -> int:
    """Forget every claim of an unsent notice: for a process that knows no sender is alive
    (the embedded flow runner as it starts), so a crash's e-mails go now, not when the
    claims lapse."""
    result = session.exec(update(Notice)  # type: ignore[call-overload]
                          .where(col(Notice.sent_at).is_(None),
                                 col(Notice.claimed_until).is_not(None))
                          .values(claimed_until=None))
    return result.rowcount or 0


def unsent_ids(session: Session, ids: list[str]) -> list[str]:
    """These notices, or the notices of these applications, still unsent: oldest first."""
    rows = session.exec(select(Notice.id).where(
        col(Notice.sent_at).is_(None),
        (col(Notice.id).in_(ids)) | (col(Notice.application_id).in_(ids)))
        .order_by(col(Notice.created_at))).all()
    return list(dict.fromkeys(rows))


def unsent_without_dispatch(session: Session, *, flow: str, older_than: datetime,
                            max_attempts: int, limit: int = 500) -> list[Notice]:
    """Unsent notices, tried fewer than `max_attempts` times, that no live row will send."""
    from sqlalchemy import exists

    from models.core.outbox import Dispatch
    waiting = exists().where(Dispatch.flow == flow,
                             col(Dispatch.status).in_(["pending", "claimed"]),
                             (Dispatch.entity_id == Notice.id)
                             | (Dispatch.entity_id == Notice.application_id))
    return list(session.exec(select(Notice).where(
        col(Notice.sent_at).is_(None), Notice.attempts < max_attempts,
        col(Notice.created_at) < older_than, ~waiting).limit(limit)).all())
