"""The audit chain: every status change, vote, approval and money movement, hash-chained.

Events hold ids, codes and HMACs only — never personal data. Each event's hash is an HMAC
over its predecessor's hash and its own fields, so a changed, removed or reordered event
breaks the chain. The head row is locked while appending, which serialises appends.

The HMAC key is the chain's own (AMPARO_AUDIT_KEYS; each event names its key id): putting a
new key first starts a new segment under it, and the verifier knows every listed key.
Events from before that (key id empty) were keyed from AMPARO_SECRET_KEY and still verify
with it; AMPARO_SECRET_KEY can change once no such event needs verifying.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, event
from sqlalchemy import select as core_select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, Session, SQLModel, select

from models.core.base import as_utc, time_field, utcnow
from models.core.crypto import derived_key
from models.core.settings import get_settings

GENESIS = "0" * 64


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    seq: int = Field(primary_key=True)
    at: datetime = time_field(nullable=False)
    actor: str = Field(max_length=64)  # a staff user id, "applicant", "system", "stripe"
    action: str = Field(max_length=64)
    entity: str = Field(max_length=32)
    entity_id: str = Field(index=True, max_length=64)
    data: str = Field(sa_type=Text)  # canonical JSON of ids and codes
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    key_id: str | None = Field(default=None, max_length=16)  # None: the legacy derived key


class AuditHead(SQLModel, table=True):
    __tablename__ = "audit_head"
    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = GENESIS


class UnknownAuditKey(Exception):
    """An event names a key id this server was not given."""


def _chain_key(key_id: str | None) -> bytes:
    if key_id is None:
        return derived_key("audit-chain")
    key = get_settings().audit_keys.get(key_id)
    if key is None:
        raise UnknownAuditKey(key_id)
    return key


def _digest(prev: str, seq: int, at: datetime, actor: str, action: str, entity: str,
            entity_id: str, data: str, key_id: str | None) -> str:
    stamp = as_utc(at).isoformat()  # type: ignore[union-attr]
    parts = [prev, str(seq), stamp, actor, action, entity, entity_id, data]
    if key_id is not None:
        parts.append(key_id)
    return hmac.new(_chain_key(key_id), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


# Core statements, built once: appending runs in every intake and every status move.
_HEAD, _EVENT = AuditHead.__table__, AuditEvent.__table__  # type: ignore[attr-defined]
_READ_HEAD = core_select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_MOVE_HEAD = _HEAD.update().where(_HEAD.c.id == 1)


@dataclass(frozen=True)
class Event:
    actor: str
    action: str
    entity: str
    entity_id: str
    data: dict[str, Any] | None = None


def record(session: Session, *, actor: str, action: str, entity: str, entity_id: str,
           data: dict[str, Any] | None = None) -> None:
    """Append one event to the caller's transaction (written as it commits)."""
    record_many(session, [Event(actor, action, entity, entity_id, data)])


# Appends wait for the transaction's commit: the head row is locked only from then on, so
# concurrent writers queue on it for a commit's time, not for the whole transaction. On
# PostgreSQL a flow's chunk of 16 cases held it for seconds while it did the cases' work,
# and intake and the express lane waited on it (docs/benchmarks.md, "Surge").
_PENDING = "amparo_audit_pending"


def record_many(session: Session, events: list[Event]) -> None:
    """Append events in order to the caller's transaction: they are chained and written
    just before it commits (nothing if it rolls back). Inside a savepoint they are written
    at once, so that rolling the savepoint back takes them back too."""
    session.connection()  # the events belong to this transaction: begin it if need be
    session.info.setdefault(_PENDING, []).extend(events)
    if session.in_nested_transaction():
        write_pending(session)


def write_pending(session: Session) -> None:
    """Chain and write the events this transaction recorded so far (done at commit)."""
    events = session.info.pop(_PENDING, None)
    if events:
        _append(session, events)


@event.listens_for(OrmSession, "before_commit")
def _on_commit(session: Session) -> None:
    write_pending(session)


@event.listens_for(OrmSession, "do_orm_execute")
def _on_read(state: Any) -> None:
    """A query of the chain in the same transaction sees its own events (read your writes)."""
    if state.session.info.get(_PENDING) and any(
            m.class_ in (AuditEvent, AuditHead) for m in state.all_mappers):
        write_pending(state.session)


@event.listens_for(OrmSession, "after_transaction_end")
def _on_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the transaction is over: what it did not write is gone
        session.info.pop(_PENDING, None)


def _append(session: Session, events: list[Event]) -> None:
    """Writes go straight to the session's connection, past the identity map: nothing loads
    the head or an event as an object (`verify` reads in a session of its own). The head is
    read and moved once for all of them (intake's group commit appends many)."""
    session.flush()  # pending ORM work first, as before
    conn = session.connection()
    head = conn.execute(_READ_HEAD).first()  # FOR UPDATE: appends serialise on PostgreSQL
    prev_seq, prev_hash = (head.seq, head.hash) if head is not None else (0, GENESIS)
    at = utcnow().replace(microsecond=0)
    key_id = get_settings().audit_key_id
    rows = []
    for ev in events:
        payload = json.dumps(ev.data or {}, sort_keys=True, separators=(",", ":"), default=str)
        seq = prev_seq + 1
        digest = _digest(prev_hash, seq, at, ev.actor, ev.action, ev.entity, ev.entity_id,
                         payload, key_id)
        rows.append({"seq": seq, "at": at, "actor": ev.actor, "action": ev.action,
                     "entity": ev.entity, "entity_id": ev.entity_id, "data": payload,
                     "prev_hash": prev_hash, "hash": digest, "key_id": key_id})
        prev_seq, prev_hash = seq, digest
    conn.execute(_EVENT.insert(), rows)
    if head is None:
        conn.execute(_HEAD.insert(), {"id": 1, "seq": prev_seq, "hash": prev_hash})
    else:
        conn.execute(_MOVE_HEAD, {"seq": prev_seq, "hash": prev_hash})


@dataclass
class VerifyResult:
    ok: bool
    count: int
    bad_seq: int | None = None
    reason: str = ""


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Walk the chain in order; report the first event that does not verify."""
    prev, expected_seq, count, last = GENESIS, 1, 0, 0
    while True:
        rows = session.exec(select(AuditEvent).where(AuditEvent.seq > last)
                            .order_by(AuditEvent.seq).limit(batch)).all()
        if not rows:
            break
        for ev in rows:
            problem = _check(ev, prev, expected_seq)
            if problem:
                return VerifyResult(False, count, ev.seq, problem)
            prev, expected_seq, count, last = ev.hash, ev.seq + 1, count + 1, ev.seq
    head = session.get(AuditHead, 1)
    if head is None and count:  # the head was deleted, maybe with the last events
        return VerifyResult(False, count, last + 1, "the chain's head is missing")
    if head is not None and (head.seq != last or head.hash != prev):
        return VerifyResult(False, count, last + 1, "events missing at the end of the chain")
    return VerifyResult(True, count)


def _check(ev: AuditEvent, prev: str, expected_seq: int) -> str:
    if ev.seq != expected_seq:
        return f"event {expected_seq} is missing"
    if ev.prev_hash != prev:
        return "previous hash does not match (removed or reordered)"
    try:
        digest = _digest(ev.prev_hash, ev.seq, ev.at, ev.actor, ev.action, ev.entity,
                         ev.entity_id, ev.data, ev.key_id)
    except UnknownAuditKey:
        return f"signed with key {ev.key_id!r}, which AMPARO_AUDIT_KEYS does not list"
    if digest != ev.hash:
        return "hash does not match (changed)"
    return ""
