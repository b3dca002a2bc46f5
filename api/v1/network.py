"""The network of funds (issue 19, docs/network.md): JSON for admins and caseworkers, the
defender's consent by receipt, and the signed peer-to-peer routes under /network.

Peer routes read the raw body (the signature covers it), answer with a signed body, and
refuse unknown keys, stale or replayed requests, bad signatures and suspended peers
(`models/network/service.authenticate`)."""
from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.auth import require_roles
from api.deps import SessionDep
from api.v1.applications import by_receipt
from models.core.db import session_scope
from models.core.errors import Invalid
from models.network import exchanges, keys, referrals, service, signing, views
from models.network.cofunding import answer_check
from models.network.tables import Peer
from models.people.tables import StaffUser

router = APIRouter(tags=["network"])
Admin = Annotated[StaffUser, Depends(require_roles("admin"))]
Casework = Annotated[StaffUser, Depends(require_roles("caseworker", "admin"))]
MAX_BODY = 64 * 1024


class PeerIn(BaseModel):
    name: str = Field(max_length=120)
    url: str = Field(max_length=300)
    sign_public: str = Field(max_length=64)
    box_public: str = Field(max_length=64)
    referral_kinds: list[str] = []
    checks_allowed: bool = False
    checks_per_day: int = 20


class PeerPatch(BaseModel):
    status: str


class OfferIn(BaseModel):
    application_id: str = Field(max_length=32)
    peer_id: str = Field(max_length=32)
    reason: str = Field(max_length=32)


class ReceiptIn(BaseModel):
    receipt: str = Field(max_length=64)


class CheckIn(BaseModel):
    application_id: str = Field(max_length=32)


async def raw_body(request: Request) -> bytes:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise Invalid("too large")
    return body


RawBody = Annotated[bytes, Depends(raw_body)]


def identity_json() -> dict[str, str]:
    me = keys.identity()
    return {"sign_public": me.sign_public, "box_public": me.box_public,
            "sign_fingerprint": me.sign_fingerprint, "box_fingerprint": me.box_fingerprint}


# --- admins ------------------------------------------------------------------------------

@router.get("/network/identity", summary="This instance's public keys and fingerprints")
def identity(user: Admin) -> dict:
    return identity_json()


@router.get("/network/peers", summary="Linked peers, their fingerprints and exchange counts")
def list_peers(session: SessionDep, user: Admin) -> dict:
    counts = service.exchange_counts(session)
    return {"items": [service.peer_json(p, counts.get(p.id)) for p in service.peers(session)]}


@router.post("/network/peers", status_code=201, summary="Link a peer (keys exchanged out of band)")
def add_peer(body: PeerIn, session: SessionDep, user: Admin) -> dict:
    peer = service.add_peer(session, actor_id=user.id, **body.model_dump())
    session.commit()
    return service.peer_json(peer)


@router.patch("/network/peers/{peer_id}", summary="Suspend (at once) or resume a peer")
def patch_peer(peer_id: str, body: PeerPatch, session: SessionDep, user: Admin) -> dict:
    peer = service.set_status(session, peer_id=peer_id, status=body.status, actor_id=user.id)
    session.commit()
    return service.peer_json(peer)


# --- caseworkers -------------------------------------------------------------------------

@router.get("/network/referrals", summary="Referrals sent and received, with their status")
def list_referrals(session: SessionDep, user: Casework, role: str | None = None) -> dict:
    with session_scope() as writer:  # what waited too long expires first (payloads gone)
        referrals.expire_due(writer)
    return {"items": views.listing(session, role)}


@router.post("/network/received/notify",
             summary="Tell the referring funds every status they have not heard yet")
def notify_received(user: Casework) -> dict:
    return {"told": exchanges.expire_and_tell()}


@router.post("/network/offers", status_code=201,
             summary="Offer a case to a peer: nothing travels until the defender consents")
def offer(body: OfferIn, session: SessionDep, user: Casework) -> dict:
    referral = referrals.offer(session, actor_id=user.id, **body.model_dump())
    session.commit()
    return {"id": referral.id, "status": referral.status}


@router.post("/network/received/{referral_id}/{move}",
             summary="accept, decline or close a referral received from a peer")
def answer_received(referral_id: str, move: str, user: Casework) -> dict:
    if move not in ("accept", "decline", "close"):
        raise Invalid("unknown move", fields={"move": "accept, decline or close"})
    told = exchanges.answer_referral(referral_id=referral_id, move=move, actor_id=user.id)
    if move == "accept":
        from flows.dispatch import wake_dispatcher
        wake_dispatcher()
    with session_scope(read_only=True) as session:
        row = referrals.received(session, referral_id)
        return {"id": row.id, "status": row.status, "application_id": row.application_id,
                "peer_told": told}


@router.post("/network/cofunding", summary="Ask peers (PSI) whether they fund this person")
def cofunding_check(body: CheckIn, user: Casework) -> dict:
    results = exchanges.check(application_id=body.application_id, actor_id=user.id)
    return {"items": [{"peer_id": r.peer_id, "peer": r.peer_name, "outcome": r.outcome,
                       "band": r.band, "purpose": r.purpose} for r in results]}


# --- the defender, with her receipt ------------------------------------------------------

@router.post("/network/mine", summary="The defender's referrals, by her receipt",
             responses={404: {"description": "Unknown receipt"},
                        429: {"description": "Too many unknown receipts"}})
def my_referrals(body: ReceiptIn, request: Request, session: SessionDep) -> dict:
    by_receipt(session, request, body.receipt)  # unknown receipts count, as on /status
    return {"items": referrals.for_receipt(session, body.receipt)}


@router.post("/network/mine/{referral_id}/{answer}",
             summary="The defender consents to (or refuses) a referral, with her receipt")
def my_answer(referral_id: str, answer: str, body: ReceiptIn, request: Request,
              session: SessionDep) -> dict:
    by_receipt(session, request, body.receipt)  # unknown receipts count, as on /status
    session.rollback()  # nothing is held while the other fund is called
    if answer == "consent":
        exchanges.consent(receipt=body.receipt, referral_id=referral_id)
    elif answer == "refuse":
        with session_scope() as session:
            referrals.refuse_by_defender(session, receipt=body.receipt, referral_id=referral_id)
    else:
        raise Invalid("unknown answer", fields={"answer": "consent or refuse"})
    with session_scope(read_only=True) as session:
        mine = referrals.for_receipt(session, body.receipt)
    return {"items": mine}


# --- peers (signed) ----------------------------------------------------------------------

def _peer(request: Request, body: bytes, kind: str) -> Peer:
    keys.ensure_keys()
    return service.authenticate(method=request.method, path=request.url.path,
                                body=body, headers=dict(request.headers), kind=kind)


def _signed(request: Request, data: dict[str, Any], status: int = 200) -> Response:
    body = json.dumps(data, sort_keys=True).encode()
    nonce = request.headers.get(signing.H_NONCE, "")
    signature = signing.sign_answer(keys.signing_key(), nonce, status, body)
    return Response(body, status_code=status, media_type="application/json",
                    headers={signing.H_SIG: signature})


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise Invalid("not JSON") from exc
    if not isinstance(data, dict):
        raise Invalid("not a JSON object")
    return data


@router.post("/network/referrals", status_code=201, summary="Peer: a consented referral")
def peer_referral(request: Request, body: RawBody, session: SessionDep) -> Response:
    peer = _peer(request, body, "referral")
    data = _json(body)
    service.require_permission(session, peer, "referral", referral_kind=str(data.get("kind")))
    referral = referrals.receive(session, peer=peer, body=data)
    session.commit()
    return _signed(request, {"id": referral.id, "status": referral.status}, 201)


@router.post("/network/referrals/{referral_id}/status", summary="Peer: what became of it")
def peer_referral_status(referral_id: str, request: Request, body: RawBody,
                         session: SessionDep) -> Response:
    peer = _peer(request, body, "referral_status")
    data = _json(body)
    referral = referrals.apply_status(session, peer=peer, referral_id=referral_id,
                                      status=str(data.get("status")),
                                      receipt_sealed=data.get("receipt_sealed"))
    session.commit()
    return _signed(request, {"id": referral.id, "status": referral.status})


@router.post("/network/checks", summary="Peer: a co-funding check (PSI)")
def peer_check(request: Request, body: RawBody, session: SessionDep) -> Response:
    peer = _peer(request, body, "check")
    service.require_permission(session, peer, "check")
    data = _json(body)
    answer = answer_check(session, peer=peer, purpose=str(data.get("purpose")),
                          request_b64=str(data.get("request", "")))
    session.commit()
    return _signed(request, answer)
