"""The dispatch outbox (DESIGN.md rule 4): a row per flow to start, committed with the data.

A dispatcher claims pending rows (most urgent first) and starts their flows; a sweeper puts
back rows claimed long ago and never finished (process killed, Prefect down).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Field, Session, SQLModel, col, select

from models.core.base import id_field, new_id, time_field, utcnow

MAX_ATTEMPTS = 20
# The flows the domain queues work for, by name: one source for each (flows/registry.py maps
# them to code). Five copies of "send-notices" once lived in five files.
NOTICE_FLOW = "send-notices"
MATCH_FLOW = "match-shelter"


class Dispatch(SQLModel, table=True):
    id: str = id_field()
    flow: str = Field(index=True, max_length=64)
    entity_id: str = Field(max_length=64)
    priority: int = Field(default=5, index=True)
    status: str = Field(default="pending", index=True, max_length=16)  # pending|claimed|done|dead
    attempts: int = 0
    available_at: datetime = time_field(nullable=False, default_now=True)
    claimed_at: datetime | None = time_field()
    finished_at: datetime | None = time_field()
    created_at: datetime = time_field(nullable=False, default_now=True)


_ADD = Dispatch.__table__.insert()  # type: ignore[attr-defined]


def enqueue(session: Session, *, flow: str, entity_id: str, priority: int = 5,
            delay: timedelta | None = None) -> str:
    """Add a pending row in the caller's transaction; returns its id."""
    return enqueue_many(session, [(flow, entity_id, priority)], delay=delay)[0]


def enqueue_many(session: Session, rows: list[tuple[str, str, int]],
                 delay: timedelta | None = None) -> list[str]:
    """Add pending rows (flow, entity id, priority) in the caller's transaction; their ids.

    A Core insert on the session's connection, no object and no flush: intake enqueues once
    per application. The rows are in the transaction at once, so later queries see them."""
    now = utcnow()
    values = [{"id": new_id(), "flow": flow, "entity_id": entity_id, "priority": priority,
               "status": "pending", "attempts": 0, "available_at": now + (delay or timedelta()),
               "claimed_at": None, "finished_at": None, "created_at": now}
              for flow, entity_id, priority in rows]
    if values:
        session.connection().execute(_ADD, values)
    return [v["id"] for v in values]


def claim(session: Session, *, limit: int = 50, flow: str | None = None,
          max_priority: int | None = None, min_priority: int | None = None,
          exclude_flow: str | None = None) -> list[Dispatch]:
    """Claim due pending rows, most urgent first; SKIP LOCKED lets dispatchers run side by side.

    `max_priority` limits the claim to urgent rows (the dispatcher's express lane),
    `min_priority` to the others (its main lane)."""
    now = utcnow()
    stmt = (select(Dispatch).where(Dispatch.status == "pending", Dispatch.available_at <= now)
            .order_by(Dispatch.priority, Dispatch.created_at).limit(limit))
    if flow:
        stmt = stmt.where(Dispatch.flow == flow)
    if exclude_flow:
        stmt = stmt.where(Dispatch.flow != exclude_flow)
    if max_priority is not None:
        stmt = stmt.where(Dispatch.priority <= max_priority)
    if min_priority is not None:
        stmt = stmt.where(Dispatch.priority >= min_priority)
    rows = list(session.exec(stmt.with_for_update(skip_locked=True)).all())
    for row in rows:
        row.status, row.claimed_at, row.attempts = "claimed", now, row.attempts + 1
        session.add(row)
    return rows


def finish(session: Session, ids: list[str]) -> None:
    if ids:
        session.exec(update(Dispatch).where(col(Dispatch.id).in_(ids))  # type: ignore[call-overload]
                     .values(status="done", finished_at=utcnow()))


def release(session: Session, ids: list[str], *, delay: timedelta = timedelta(seconds=10)) -> None:
    """Give rows back after a failure to start, to be tried again later."""
    if ids:
        session.exec(update(Dispatch).where(col(Dispatch.id).in_(ids))  # type: ignore[call-overload]
                     .values(status="pending", available_at=utcnow() + delay))


def requeue_stale(session: Session, *, older_than: timedelta | None = None) -> int:
    """Rows claimed but never finished go back to pending (or dead after too many tries)."""
    if older_than is None:
        from models.core.settings import get_settings
        older_than = timedelta(seconds=get_settings().stale_dispatch_seconds)
    cutoff = utcnow() - older_than
    stale = session.exec(select(Dispatch).where(Dispatch.status == "claimed",
                                                col(Dispatch.claimed_at) < cutoff)).all()
    for row in stale:
        row.status = "dead" if row.attempts >= MAX_ATTEMPTS else "pending"
        row.available_at = utcnow()
        session.add(row)
    return len(stale)


def pending_count(session: Session) -> int:
    from sqlalchemy import func
    return session.exec(select(func.count()).select_from(Dispatch)
                        .where(col(Dispatch.status).in_(["pending", "claimed"]))).one()


def dispatch_count(session: Session, *, flow: str, entity_id: str) -> int:
    """How many times this row was queued for this flow (retries included)."""
    from sqlalchemy import func
    return session.exec(select(func.count()).select_from(Dispatch).where(
        Dispatch.flow == flow, Dispatch.entity_id == entity_id)).one()


def live_entities(session: Session, *, flow: str, entity_ids: list[str]) -> set[str]:
    """Which of these ids have a pending or claimed row for this flow."""
    return set(session.exec(select(Dispatch.entity_id).where(
        Dispatch.flow == flow, col(Dispatch.status).in_(["pending", "claimed"]),
        col(Dispatch.entity_id).in_(entity_ids))).all())
