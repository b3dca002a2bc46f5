"""What the operations page shows, and the key rotation it can start.

Read-only views of the keys (how many values each key still seals), the outbox (backlog by
flow, priority and state; failed dispatches and when they are retried) and the background
jobs' last state (the sweep, a rotation). Nothing here reads a sealed value's content.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.core import audit, crypto, outbox
from models.core.base import as_utc, utcnow
from models.core.errors import Conflict
from models.core.outbox import Dispatch
from models.core.settings import get_settings
from models.operations.tables import OperationState
from models.sealed import KEYRING

ROTATE_FLOW = "rotate-keys"
ROTATION = "rotation"
SWEEP = "sweep"
# A rotation queued or running that has said nothing for this long is presumed dead.
ROTATION_SILENT_AFTER = timedelta(minutes=15)


@dataclass
class KeysState:
    primary: str
    known: list[str]
    by_column: dict[str, Counter] = field(default_factory=dict)

    @property
    def under_older_keys(self) -> int:
        return sum(n for counts in self.by_column.values()
                   for kid, n in counts.items() if kid != self.primary)

    @property
    def total(self) -> int:
        return sum(sum(counts.values()) for counts in self.by_column.values())


def keys_state(session: Session) -> KeysState:
    """How many values each key seals, per column (the key id is the token's clear prefix)."""
    settings = get_settings()
    state = KeysState(primary=settings.primary_key_id, known=list(settings.encryption_keys))
    for model, column, *_ in KEYRING:
        values = session.exec(select(getattr(model, column))  # type: ignore[call-overload]
                              .where(getattr(model, column).is_not(None))).all()
        label = f"{model.__tablename__}.{column}"  # type: ignore[attr-defined]
        state.by_column[label] = Counter(crypto.key_id_of(v) for v in values if v)
    return state


@dataclass
class Backlog:
    flow: str
    priority: int
    status: str
    count: int
    oldest: datetime | None


def outbox_backlog(session: Session) -> list[Backlog]:
    """Rows not done, by flow, priority and state (most urgent first)."""
    rows = session.exec(
        select(Dispatch.flow, Dispatch.priority, Dispatch.status, func.count(),
               func.min(Dispatch.created_at))
        .where(col(Dispatch.status) != "done")
        .group_by(Dispatch.flow, Dispatch.priority, Dispatch.status)
        .order_by(Dispatch.priority, Dispatch.flow)).all()
    return [Backlog(*row) for row in rows]


def failed_dispatches(session: Session, limit: int = 20) -> list[Dispatch]:
    """Dispatches that failed at least once and are not done: when each is tried again
    (`available_at`), or `dead` after outbox.MAX_ATTEMPTS."""
    return list(session.exec(
        select(Dispatch).where(col(Dispatch.attempts) > 0, col(Dispatch.status) != "done")
        .order_by(col(Dispatch.status).desc(), Dispatch.available_at).limit(limit)).all())


def job_state(session: Session, name: str) -> OperationState | None:
    return session.get(OperationState, name)


def record_job(session: Session, name: str, status: str, detail: dict | None = None, *,
               started: bool = False) -> None:
    """Keep the last state of a background job (in the caller's transaction)."""
    row = session.get(OperationState, name) or OperationState(name=name)
    row.status, row.detail, row.updated_at = status, detail or {}, utcnow()
    if started:
        row.started_at = row.updated_at
    session.add(row)


def rotation_busy(row: OperationState | None, now: datetime) -> bool:
    return (row is not None and row.status in ("queued", "running")
            and now - as_utc(row.updated_at) < ROTATION_SILENT_AFTER)  # type: ignore[operator]


def request_rotation(session: Session, *, actor_id: str) -> None:
    """Queue a rotation (the `rotate-keys` flow); refused while one is queued or running."""
    now = utcnow()
    if rotation_busy(job_state(session, ROTATION), now):
        raise Conflict("A key rotation is already under way.", code="rotation_running")
    columns = [f"{m.__tablename__}.{c}" for m, c, *_ in KEYRING]  # type: ignore[attr-defined]
    record_job(session, ROTATION, "queued", {"columns": columns, "done": [], "counts": {}},
               started=True)
    outbox.enqueue(session, flow=ROTATE_FLOW, entity_id="keyring", priority=8)
    audit.record(session, actor=actor_id, action="keys.rotation_requested", entity="keyring",
                 entity_id=get_settings().primary_key_id)


def sweep_health(row: OperationState | None, now: datetime, interval_s: float) -> str:
    """"ok", "late" (no sweep for three intervals: is the flow runner down?) or "never"."""
    if row is None:
        return "never"
    return "ok" if now - as_utc(row.updated_at) <= timedelta(seconds=3 * interval_s + 30) else "late"


def run_rotation(batch: int = 500) -> dict[str, int]:
    """Re-encrypt every value under an older key, column by column, saying after each how
    far it got (the operations page shows it as a progress bar)."""
    from models.core.db import session_scope
    from models.core.rotation import rotate_column

    counts: dict[str, int] = {}
    done: list[str] = []
    columns = [f"{m.__tablename__}.{c}" for m, c, *_ in KEYRING]  # type: ignore[attr-defined]
    try:
        for (model, column, aad_table, aad_column), label in zip(KEYRING, columns):
            with session_scope() as session:
                record_job(session, ROTATION, "running",
                           {"columns": columns, "done": done, "counts": counts})
            counts[label] = rotate_column(model, column, aad_table, aad_column, batch)
            done.append(label)
    except Exception as exc:
        with session_scope() as session:
            record_job(session, ROTATION, "failed", {"columns": columns, "done": done,
                                                     "counts": counts,
                                                     "error": type(exc).__name__})
        raise
    with session_scope() as session:
        record_job(session, ROTATION, "done", {"columns": columns, "done": done,
                                               "counts": counts})
        audit.record(session, actor="system", action="keys.rotated", entity="keyring",
                     entity_id=get_settings().primary_key_id,
                     data={"values": sum(counts.values())})
    return counts
