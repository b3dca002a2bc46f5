"""`POST /api/v1/webhooks/stripe`: verify the signature, store the event once, apply it.

A bad signature or a stale timestamp (over 300 s) answers 400 and changes nothing; a
duplicate or an event about something we do not know answers 200 (Stripe stops retrying).
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.deps import SessionDep
from models.core.errors import TooLarge
from models.money import webhooks

router = APIRouter(tags=["webhooks"])
MAX_BODY = 512 * 1024


async def _payload(request: Request) -> bytes:
    """The raw body (the signature covers its exact bytes), read before the route runs: the
    route is `def`, its database work in the threadpool rather than on the event loop."""
    return await request.body()


@router.post("/webhooks/stripe", summary="Stripe events, Stripe-Signature verified")
def stripe_webhook(request: Request, payload: Annotated[bytes, Depends(_payload)],
                   session: SessionDep) -> dict:
    if len(payload) > MAX_BODY:
        raise TooLarge("event too large")
    event = webhooks.verify(payload, request.headers.get("stripe-signature"))
    outcome = webhooks.receive(session, event)
    session.commit()
    return {"received": True, "outcome": outcome}
