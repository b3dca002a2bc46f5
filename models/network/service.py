"""Peers: linked by an admin, suspended at once; every exchange counted and audited.

`authenticate` is the one door for a peer's request: a known, active peer's key, a fresh
timestamp, a nonce never seen, a signature over the whole request, and the permission for
what it asks. A refusal is recorded (`refused`) in a transaction of its own, so it stays
even though the request changes nothing.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.core import audit
from models.core.base import utcnow
from models.core.db import session_scope
from models.core.errors import Forbidden, Invalid, NotFound, TooManyRequests, Unauthorized
from models.network import keys, signing
from models.network.tables import Peer, PeerExchange, PeerNonce

KINDS = ("grant", "shelter", "visa")
STATUSES = ("active", "suspended")


def peer_actor(peer_id: str) -> str:
    return f"peer:{peer_id}"


def add_peer(session: Session, *, name: str, url: str, sign_public: str, box_public: str,
             referral_kinds: list[str], checks_allowed: bool, checks_per_day: int,
             actor_id: str) -> Peer:
    fields = _check_peer(name, url, sign_public, box_public, referral_kinds, checks_per_day)
    if fields:
        raise Invalid("the peer's details are not valid", fields=fields)
    sign_public, box_public = sign_public.strip(), box_public.strip()
    if session.exec(select(Peer).where(Peer.sign_public == sign_public)).first():
        raise Invalid("this key is linked already", fields={"sign_public": "linked already"})
    peer = Peer(name=name.strip(), url=url.strip().rstrip("/"), sign_public=sign_public,
                box_public=box_public, referral_kinds=sorted(set(referral_kinds)),
                checks_allowed=checks_allowed, checks_per_day=checks_per_day,
                created_by=actor_id)
    session.add(peer)
    session.flush()
    audit.record(session, actor=actor_id, action="network.peer.linked", entity="network_peer",
                 entity_id=peer.id, data={"kinds": peer.referral_kinds,
                                          "checks": checks_allowed})
    return peer


def _check_peer(name: str, url: str, sign_public: str, box_public: str, kinds: list[str],
                per_day: int) -> dict[str, str]:
    fields = {}
    if not name.strip() or len(name) > 120:
        fields["name"] = "give the organisation's name"
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname or len(url) > 300:
        fields["url"] = "give the address, e.g. https://amparo.example.org"
    for field, value in (("sign_public", sign_public), ("box_public", box_public)):
        if not keys.valid_public_key(value):
            fields[field] = "not a public key"
    if any(kind not in KINDS for kind in kinds):
        fields["referral_kinds"] = "unknown kind"
    if not 0 <= per_day <= 10000:
        fields["checks_per_day"] = "between 0 and 10000"
    return fields


def set_status(session: Session, *, peer_id: str, status: str, actor_id: str) -> Peer:
    if status not in STATUSES:
        raise Invalid("unknown status", fields={"status": "active or suspended"})
    peer = get_peer(session, peer_id)
    peer.status = status
    peer.suspended_at = utcnow() if status == "suspended" else None
    session.add(peer)
    audit.record(session, actor=actor_id, action=f"network.peer.{status}",
                 entity="network_peer", entity_id=peer.id, data={})
    return peer


def get_peer(session: Session, peer_id: str) -> Peer:
    peer = session.get(Peer, peer_id)
    if peer is None:
        raise NotFound("unknown peer")
    return peer


def peers(session: Session) -> list[Peer]:
    return list(session.exec(select(Peer).order_by(col(Peer.created_at))).all())


def exchange_counts(session: Session) -> dict[str, dict[str, int]]:
    """peer id -> {"in", "out", "refused", "checks_today"}."""
    counts: dict[str, dict[str, int]] = {}
    rows = session.exec(select(PeerExchange.peer_id, PeerExchange.direction,
                               PeerExchange.outcome, func.count())
                        .group_by(PeerExchange.peer_id, PeerExchange.direction,
                                  PeerExchange.outcome)).all()
    for peer_id, direction, outcome, n in rows:
        entry = counts.setdefault(peer_id or "", {"in": 0, "out": 0, "refused": 0,
                                                  "checks_today": 0})
        entry[direction] += n
        if outcome != "ok":
            entry["refused"] += n
    for peer_id in counts:
        counts[peer_id]["checks_today"] = checks_since(session, peer_id, "in")
    return counts


def checks_since(session: Session, peer_id: str, direction: str, hours: int = 24) -> int:
    return session.exec(select(func.count()).select_from(PeerExchange).where(
        PeerExchange.peer_id == peer_id, PeerExchange.direction == direction,
        PeerExchange.kind == "check", PeerExchange.outcome == "ok",
        col(PeerExchange.at) >= utcnow() - timedelta(hours=hours))).one()


def peer_json(peer: Peer, counts: dict[str, int] | None = None) -> dict[str, Any]:
    return {"id": peer.id, "name": peer.name, "url": peer.url, "status": peer.status,
            "sign_public": peer.sign_public, "box_public": peer.box_public,
            "sign_fingerprint": signing.fingerprint(peer.sign_public),
            "box_fingerprint": signing.fingerprint(peer.box_public),
            "referral_kinds": peer.referral_kinds, "checks_allowed": peer.checks_allowed,
            "checks_per_day": peer.checks_per_day,
            "exchanges": counts or {"in": 0, "out": 0, "refused": 0, "checks_today": 0}}


def record_exchange(session: Session, *, peer_id: str | None, direction: str, kind: str,
                    outcome: str = "ok", entity_id: str | None = None,
                    actor: str | None = None) -> None:
    """Count it and audit it, in the caller's transaction."""
    session.add(PeerExchange(peer_id=peer_id, direction=direction, kind=kind, outcome=outcome))
    audit.record(session, actor=actor or (peer_actor(peer_id) if peer_id and direction == "in"
                                          else "system"),
                 action=f"network.{kind}.{direction}", entity="network_peer",
                 entity_id=peer_id or "unknown",
                 data={"outcome": outcome, **({"ref": entity_id} if entity_id else {})})


def refused(peer_id: str | None, kind: str, code: str) -> None:
    """A refused request, recorded for the admins in a transaction of its own."""
    with session_scope() as session:
        record_exchange(session, peer_id=peer_id, direction="in", kind=kind, outcome=code)


def authenticate(*, method: str, path: str, body: bytes, headers: dict[str, str],
                 kind: str) -> Peer:
    """The active peer that signed this request, its nonce now spent (committed at once, so
    a replay is refused even if this request fails later); Unauthorized or Forbidden,
    recorded, otherwise. Runs in transactions of its own, before the route's."""
    with session_scope(read_only=True) as session:
        peer = _peer_by_key(session, headers.get(signing.H_KEY, ""))
    try:
        if peer is None:
            raise signing.SignatureRefused("unknown_peer")
        nonce = signing.verify_request(peer.sign_public, keys.identity().sign_public,
                                       method=method, path=path, body=body, headers=headers)
        _spend_nonce(peer.id, nonce)
    except signing.SignatureRefused as exc:
        refused(peer.id if peer else None, kind, exc.code)
        raise Unauthorized("the request's signature was refused") from exc
    if peer.status != "active":
        refused(peer.id, kind, "suspended")
        raise Forbidden("this peer is suspended")
    return peer


def require_permission(session: Session, peer: Peer, kind: str, *, referral_kind: str = "",
                       ) -> None:
    code, peer_id = None, peer.id  # read before a rollback expires the row
    if kind == "check" and not peer.checks_allowed:
        code = "not_allowed"
    elif kind == "referral" and referral_kind not in peer.referral_kinds:
        code = "not_allowed"
    if code is None and kind == "check" and \
            checks_since(session, peer_id, "in") >= peer.checks_per_day:
        session.rollback()
        refused(peer_id, kind, "limit")
        raise TooManyRequests("this peer's checks for today are used up", retry_after=3600)
    if code:
        session.rollback()
        refused(peer_id, kind, code)
        raise Forbidden("this peer may not ask for that")


def _peer_by_key(session: Session, key_id: str) -> Peer | None:
    for peer in peers(session):
        if signing.key_id(peer.sign_public) == key_id:
            return peer
    return None


def _spend_nonce(peer_id: str, nonce: str) -> None:
    old = utcnow() - timedelta(seconds=4 * signing.MAX_SKEW_SECONDS)
    try:
        with session_scope() as session:
            session.exec(delete(PeerNonce).where(  # type: ignore[call-overload]
                PeerNonce.peer_id == peer_id, col(PeerNonce.seen_at) < old))
            session.add(PeerNonce(peer_id=peer_id, nonce=nonce))
    except IntegrityError as exc:
        raise signing.SignatureRefused("replayed") from exc
