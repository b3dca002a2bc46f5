"""The moves that talk to a peer: read in one transaction, call with none held, then write
in another (a peer's slow answer never holds a lock here). Used by the API and the pages."""
from __future__ import annotations

from models.core.db import session_scope
from models.network import cofunding, referrals
from models.network.client import PeerRef, PeerRefused, call
from models.network.service import get_peer, record_exchange
from models.network.tables import Referral

RECEIVE_PATH = "/api/v1/network/referrals"


def status_path(remote_id: str) -> str:
    return f"/api/v1/network/referrals/{remote_id}/status"


def consent(*, receipt: str, referral_id: str) -> None:
    """The defender says yes: her case goes, sealed, to the peer; PeerRefused if it could
    not (then nothing changed and she may try again)."""
    with session_scope(read_only=True) as session:
        payload = referrals.consent_payload(session, receipt=receipt, referral_id=referral_id)
        referral = session.get(Referral, referral_id)
        assert referral is not None
        peer = PeerRef.of(get_peer(session, referral.peer_id))
    try:
        answer = call(peer, "POST", RECEIVE_PATH, payload)
    except PeerRefused:
        with session_scope() as session:
            record_exchange(session, peer_id=peer.id, direction="out", kind="referral",
                            outcome="refused", entity_id=referral_id, actor="applicant")
        raise
    with session_scope() as session:
        referrals.mark_consented(session, referral_id=referral_id,
                                 remote_id=str(answer.get("id", ""))[:32])


def answer_referral(*, referral_id: str, move: str, actor_id: str) -> bool:
    """accept | decline | close a received referral, then tell the referring fund.
    True when it was told (else it is told on the next `notify`)."""
    with session_scope() as session:
        if move == "accept":
            referrals.accept(session, referral_id=referral_id, actor_id=actor_id)
        elif move == "decline":
            referrals.decline(session, referral_id=referral_id, actor_id=actor_id)
        else:
            referrals.close(session, referral_id=referral_id, actor_id=actor_id)
    return notify(referral_id)


def notify(referral_id: str) -> bool:
    with session_scope(read_only=True) as session:
        referral = referrals.received(session, referral_id)
        peer = PeerRef.of(get_peer(session, referral.peer_id))
        body = {"status": referral.status, "receipt_sealed": referral.receipt_sealed}
        remote_id = referral.remote_id or ""
    try:
        call(peer, "POST", status_path(remote_id), body)
        outcome = "ok"
    except PeerRefused:
        outcome = "refused"
    with session_scope() as session:
        record_exchange(session, peer_id=peer.id, direction="out", kind="referral_status",
                        outcome=outcome, entity_id=referral_id)
        row = session.get(Referral, referral_id)
        if outcome == "ok" and row is not None:
            row.told_status = body["status"]
            row.receipt_sealed = None  # she has it now, through her first fund
            session.add(row)
    return outcome == "ok"


def expire_and_tell() -> int:
    """Expire what waited too long (payloads gone), then tell the referring funds; the
    received referrals whose fund has not heard their status yet are told again."""
    with session_scope() as session:
        referrals.expire_due(session)
        pending = referrals.untold(session)
    return sum(notify(referral_id) for referral_id in pending)


def check(*, application_id: str, actor_id: str) -> list[cofunding.CheckResult]:
    """Ask every peer we run checks with; audited here for each peer asked."""
    with session_scope(read_only=True) as session:
        tokens, purpose, peers = cofunding.prepare_check(session, application_id)
        names = {p.id: get_peer(session, p.id).name for p in peers}
    results = [cofunding.ask_peer(p, names[p.id], tokens, purpose) for p in peers]
    with session_scope() as session:
        cofunding.record_results(session, application_id=application_id, actor_id=actor_id,
                                 results=results)
    return results
