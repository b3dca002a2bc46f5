"""`POST /api/v1/webhooks/stripe`: verify the signature, store the event once, apply it.

A bad signature or a stale timestamp (over 300 s) answers 400 and changes nothing; a
duplicate or an event about something we do not know answers 200 (Stripe stops retrying).
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api.deps import SessionDep
from models.core.errors import TooLarge
from models.money import webhooks

router = APIRouter(tags=["webhooks"])
MAX_BODY = 512 * 1024


@router.post("/webhooks/stripe", summary="Stripe events, Stripe-Signature verified")
async def stripe_webhook(request: Request, session: SessionDep) -> dict:
    payload = await request.body()
    if len(payload) > MAX_BODY:
        raise TooLarge("event too large")
    event = webhooks.verify(payload, request.headers.get("stripe-signature"))

    def _apply() -> str:  # database work off the event loop
        outcome = webhooks.receive(session, event)
        session.commit()
        return outcome

    return {"received": True, "outcome": await run_in_threadpool(_apply)}
