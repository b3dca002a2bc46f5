"""Consented referrals: a case passed to a peer only once the defender says yes.

Sent (our case to a peer): `offer` (caseworker) -> the defender sees it with her receipt
and consents (`consent_payload`, then `mark_consented` once the peer has it) or declines.
Her data travel sealed to the peer's box key; we keep no copy of what was sent.
Received (a peer's case to us): `receive` holds the sealed data until a caseworker
`accept`s (a new application with its own receipt, through intake) or `decline`s; a
declined or expired referral keeps no case data. The new receipt goes back sealed under a
key derived from her first receipt, so only she can read it on her first status page.
"""
from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

from nacl.exceptions import CryptoError
from nacl.public import PublicKey, SealedBox
from nacl.secret import SecretBox
from sqlmodel import Session, col, select

from models.applications import sealed
from models.applications.info import application_by_receipt
from models.applications.schemas import ApplicationIn
from models.applications.service import submit_application
from models.applications.tables import Applicant, Application
from models.applications.workflow import GRANT
from models.core import audit, crypto
from models.core.base import as_utc, utcnow
from models.core.errors import Conflict, Invalid, NotFound
from models.network import keys
from models.network.service import get_peer, record_exchange
from models.network.tables import Peer, Referral

REASONS = ("out_of_mandate", "budget_spent", "faster_elsewhere", "other")
STATUSES = ("offered", "consented", "accepted", "declined", "closed", "expired")
FINAL = ("declined", "closed", "expired")
DAYS_TO_ANSWER = 14


def offer(session: Session, *, application_id: str, peer_id: str, reason: str,
          actor_id: str) -> Referral:
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("unknown application")
    peer = get_peer(session, peer_id)
    fields = {}
    if reason not in REASONS:
        fields["reason"] = "choose a reason"
    if peer.status != "active" or application.kind not in peer.referral_kinds:
        fields["peer_id"] = "this fund does not take this kind of case from us"
    if fields:
        raise Invalid("the referral is not valid", fields=fields)
    if application.status in GRANT.terminal and application.status != "ineligible":
        raise Conflict("this case is closed")
    referral = Referral(role="sent", peer_id=peer.id, application_id=application.id,
                        kind=application.kind, reason=reason, created_by=actor_id,
                        expires_at=utcnow() + timedelta(days=DAYS_TO_ANSWER))
    session.add(referral)
    session.flush()
    _audit(session, actor_id, "offered", referral)
    return referral


def _audit(session: Session, actor: str, what: str, referral: Referral) -> None:
    audit.record(session, actor=actor, action=f"network.referral.{what}",
                 entity="network_referral", entity_id=referral.id,
                 data={"peer_id": referral.peer_id, "role": referral.role,
                       "application_id": referral.application_id, "status": referral.status})


def receipt_key(receipt: str, referral_id: str) -> bytes:
    code = crypto.normalise_receipt(receipt) or ""
    return bytes.fromhex(crypto.keyed_hash(code, "referral-receipt:" + referral_id))


def expire_due(session: Session) -> int:
    """Offers not consented and received cases not answered in time: expired, data gone."""
    rows = session.exec(select(Referral).where(
        col(Referral.status).in_(("offered", "consented")),
        col(Referral.expires_at) < utcnow())).all()
    for referral in rows:
        referral.status, referral.payload_enc = "expired", None
        referral.updated_at = utcnow()
        session.add(referral)
        _audit(session, "system", "expired", referral)
    return len(rows)


def untold(session: Session) -> list[str]:
    """Received referrals answered here whose referring fund has not heard it yet."""
    rows = session.exec(select(Referral).where(
        Referral.role == "received",
        col(Referral.status).in_(("accepted", "declined", "closed", "expired")))).all()
    return [r.id for r in rows if r.told_status != r.status]


# --- the defender, with her receipt ---------------------------------------------------

def for_receipt(session: Session, receipt: str) -> list[dict[str, Any]]:
    """Her referrals: to whom, their status and, once accepted, her new receipt."""
    application = application_by_receipt(session, receipt)
    rows = session.exec(select(Referral, Peer).join(Peer, col(Peer.id) == col(Referral.peer_id))
                        .where(Referral.role == "sent",
                               Referral.application_id == application.id)
                        .order_by(col(Referral.created_at))).all()
    out = []
    for referral, peer in rows:
        status = referral.status
        if status in ("offered", "consented") and is_expired(referral):
            status = "expired"
        out.append({"id": referral.id, "to": peer.name, "url": peer.url, "status": status,
                    "reason": referral.reason,
                    "new_receipt": _open_receipt(referral, receipt)})
    return out


def is_expired(referral: Referral) -> bool:
    due = as_utc(referral.expires_at)
    return due is not None and due < utcnow()


def _open_receipt(referral: Referral, receipt: str) -> str | None:
    if not referral.receipt_sealed:
        return None
    try:
        box = SecretBox(receipt_key(receipt, referral.id))
        return box.decrypt(base64.b64decode(referral.receipt_sealed)).decode()
    except (CryptoError, ValueError):
        return None


def sent_for_consent(session: Session, *, receipt: str, referral_id: str) -> tuple[Referral, Peer]:
    application = application_by_receipt(session, receipt)
    referral = session.get(Referral, referral_id)
    if referral is None or referral.role != "sent" or referral.application_id != application.id:
        raise NotFound("unknown referral")
    if referral.status != "offered" or is_expired(referral):
        raise Conflict("this referral can no longer be answered")
    return referral, get_peer(session, referral.peer_id)


def consent_payload(session: Session, *, receipt: str, referral_id: str) -> dict[str, Any]:
    """What goes to the peer: ids and codes in clear, her case sealed to its box key."""
    referral, peer = sent_for_consent(session, receipt=receipt, referral_id=referral_id)
    application = session.get(Application, referral.application_id)
    assert application is not None
    case = case_data(session, application)
    case["receipt_key"] = base64.b64encode(receipt_key(receipt, referral.id)).decode()
    box = SealedBox(PublicKey(base64.b64decode(peer.box_public)))
    sealed_case = box.encrypt(json.dumps(case, sort_keys=True).encode())
    return {"referral_id": referral.id, "kind": referral.kind, "reason": referral.reason,
            "sealed": base64.b64encode(sealed_case).decode()}


def case_data(session: Session, application: Application) -> dict[str, Any]:
    applicant = session.get(Applicant, application.applicant_id)
    assert applicant is not None
    dek = sealed.data_key(applicant)
    if dek is None:
        raise Conflict("this case's data were erased")
    person = {k: v for k, v in sealed.open_applicant(applicant, dek).items() if v}
    details = sealed.open_details(application, dek)
    return {
        "kind": application.kind, "language": application.language,
        "applicant": {**person, "country": applicant.country},
        "threat": {"description": details.get("threat_description") or "-",
                   "types": application.threat_types, "imminent": application.threat_imminent,
                   "perpetrator": application.perpetrator or "unknown",
                   "prior_attacks": application.prior_attacks},
        "dependants": application.dependants, "endorser": details.get("endorser"),
        "request": details.get("request") or {},
    }


def mark_consented(session: Session, *, referral_id: str, remote_id: str) -> None:
    referral = session.get(Referral, referral_id)
    assert referral is not None
    if referral.status != "offered":  # a second click: the first consent was recorded
        return
    referral.status, referral.remote_id, referral.updated_at = "consented", remote_id, utcnow()
    session.add(referral)
    _audit(session, "applicant", "consented", referral)
    record_exchange(session, peer_id=referral.peer_id, direction="out", kind="referral",
                    entity_id=referral.id, actor="applicant")


def refuse_by_defender(session: Session, *, receipt: str, referral_id: str) -> None:
    referral, _ = sent_for_consent(session, receipt=receipt, referral_id=referral_id)
    referral.status, referral.updated_at = "declined", utcnow()
    session.add(referral)
    _audit(session, "applicant", "declined", referral)


def apply_status(session: Session, *, peer: Peer, referral_id: str, status: str,
                 receipt_sealed: str | None) -> Referral:
    """The receiving peer tells us what became of a referral we sent."""
    referral = session.get(Referral, referral_id)
    if referral is None or referral.role != "sent" or referral.peer_id != peer.id:
        raise NotFound("unknown referral")
    if status not in ("accepted", "declined", "closed", "expired"):
        raise Invalid("unknown status", fields={"status": "unknown"})
    allowed = {"consented": ("accepted", "declined", "expired"), "accepted": ("closed",)}
    if status != referral.status and status not in allowed.get(referral.status, ()):
        raise Conflict("not a change this referral can make")
    referral.status, referral.updated_at = status, utcnow()
    if status == "accepted" and isinstance(receipt_sealed, str) and receipt_sealed:
        referral.receipt_sealed = receipt_sealed[:400]
    session.add(referral)
    _audit(session, f"peer:{peer.id}", status, referral)
    record_exchange(session, peer_id=peer.id, direction="in", kind="referral_status",
                    entity_id=referral.id)
    return referral


# --- the receiving fund ----------------------------------------------------------------

def receive(session: Session, *, peer: Peer, body: dict[str, Any]) -> Referral:
    kind, reason = str(body.get("kind", "")), str(body.get("reason", ""))
    sealed_case, remote_id = str(body.get("sealed", "")), str(body.get("referral_id", ""))
    if reason not in REASONS or not sealed_case or not remote_id.isalnum() or len(remote_id) > 32:
        raise Invalid("not a referral", fields={"sealed": "missing or malformed"})
    again = session.exec(select(Referral).where(Referral.role == "received",
                                                Referral.peer_id == peer.id,
                                                Referral.remote_id == remote_id)).first()
    if again is not None:  # a retry (or a double click) of one consent: the first stands
        return again
    referral = Referral(role="received", peer_id=peer.id, remote_id=remote_id, kind=kind,
                        reason=reason, status="consented",
                        expires_at=utcnow() + timedelta(days=DAYS_TO_ANSWER))
    referral.payload_enc = crypto.encrypt(sealed_case, _payload_aad(referral.id))
    session.add(referral)
    session.flush()
    _audit(session, f"peer:{peer.id}", "received", referral)
    record_exchange(session, peer_id=peer.id, direction="in", kind="referral",
                    entity_id=referral.id)
    return referral


def _payload_aad(referral_id: str) -> str:
    return crypto.aad_for("network_referral", referral_id, "payload")


def received(session: Session, referral_id: str) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None or referral.role != "received":
        raise NotFound("unknown referral")
    return referral


def accept(session: Session, *, referral_id: str, actor_id: str) -> tuple[Referral, str]:
    """A new application through intake; (referral, the new receipt sealed for her)."""
    referral = received(session, referral_id)
    if referral.status != "consented" or is_expired(referral) or not referral.payload_enc:
        raise Conflict("this referral can no longer be accepted")
    sealed_case = base64.b64decode(crypto.decrypt(referral.payload_enc, _payload_aad(referral.id))
                                   or "")
    case = json.loads(SealedBox(keys.box_key()).decrypt(sealed_case))
    key = base64.b64decode(case.pop("receipt_key"))
    if case.get("kind") != referral.kind:
        raise Conflict("the referral's data do not match its kind")
    result = submit_application(session=session, data=ApplicationIn.model_validate(case))
    referral.application_id, referral.payload_enc = result.id, None
    referral.status, referral.updated_at = "accepted", utcnow()
    session.add(referral)
    _audit(session, actor_id, "accepted", referral)
    # Kept (sealed: we cannot open it) only until the referring fund has it.
    referral.receipt_sealed = base64.b64encode(
        SecretBox(key).encrypt(result.receipt.encode())).decode()
    return referral, referral.receipt_sealed


def decline(session: Session, *, referral_id: str, actor_id: str) -> Referral:
    referral = received(session, referral_id)
    if referral.status != "consented":
        raise Conflict("this referral was answered already")
    referral.status, referral.payload_enc, referral.updated_at = "declined", None, utcnow()
    session.add(referral)
    _audit(session, actor_id, "declined", referral)
    return referral


def close(session: Session, *, referral_id: str, actor_id: str) -> Referral:
    referral = received(session, referral_id)
    if referral.status != "accepted":
        raise Conflict("only an accepted referral is closed")
    referral.status, referral.updated_at = "closed", utcnow()
    session.add(referral)
    _audit(session, actor_id, "closed", referral)
    return referral
