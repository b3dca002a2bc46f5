"""Referrals as staff see them: both directions, with the peer's name and whether the
referring fund has heard the latest status."""
from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from models.applications.tables import Application
from models.core.base import as_utc
from models.network.referrals import is_expired
from models.network.tables import Peer, Referral


def listing(session: Session, role: str | None = None) -> list[dict[str, Any]]:
    query = select(Referral, Peer).join(Peer, col(Peer.id) == col(Referral.peer_id))
    if role:
        query = query.where(Referral.role == role)
    rows = session.exec(query.order_by(col(Referral.created_at).desc()).limit(200)).all()
    return [referral_json(r, p) for r, p in rows]


def referral_json(referral: Referral, peer: Peer) -> dict[str, Any]:
    status = "expired" if referral.status in ("offered", "consented") and is_expired(referral) \
        else referral.status
    return {"id": referral.id, "role": referral.role, "peer_id": peer.id, "peer": peer.name,
            "application_id": referral.application_id, "kind": referral.kind,
            "reason": referral.reason, "status": status,
            "peer_told": referral.role == "sent" or referral.told_status == referral.status
            or referral.status == "consented",
            "created_at": as_utc(referral.created_at).isoformat(),  # type: ignore[union-attr]
            "updated_at": as_utc(referral.updated_at).isoformat()}  # type: ignore[union-attr]


def case_by_number(session: Session, typed: str) -> str | None:
    """The one application whose id starts with what was typed (8 characters at least)."""
    number = "".join(ch for ch in typed[:32].lower() if ch in "0123456789abcdef")
    if len(number) < 8:
        return None
    found = session.exec(select(Application.id).where(
        col(Application.id).startswith(number)).limit(2)).all()
    return found[0] if len(found) == 1 else None
