"""The `stripe_connect` rail: one transfer per disbursement, made safe to repeat.

`send_one` loads the disbursement FOR UPDATE, sends only when it is approved, not held and
has no transfer yet, and calls Stripe with the idempotency key `disbursement:{id}:transfer`
(our ids only). The SDK retries 5xx answers and time-outs with the same key, and a re-run
after a crash before our commit gets Stripe's stored answer back: one transfer, always.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import stripe
from sqlmodel import Session

from models.core.crypto import aad_for, decrypt
from models.core.errors import ExternalServiceError
from models.core.settings import get_settings
from models.core.workflow import SYSTEM
from models.money import outcomes, repository
from models.money.service import on_hold
from models.money.tables import Disbursement
from models.money.workflow import APPROVED, FAILED, RAIL_STRIPE

TIMEOUT_SECONDS = 20.0
NETWORK_RETRIES = 3
RETRY_LATER_CODES = {"balance_insufficient", "rate_limit"}  # our side: try again later


def client(*, timeout: float | None = None, retries: int | None = None) -> stripe.StripeClient:
    settings = get_settings()
    kwargs: dict[str, Any] = {
        "max_network_retries": NETWORK_RETRIES if retries is None else retries,
        "http_client": stripe.RequestsClient(timeout=timeout or TIMEOUT_SECONDS),
    }
    if settings.stripe_api_base:
        kwargs["base_addresses"] = {"api": settings.stripe_api_base}
    return stripe.StripeClient(settings.stripe_api_key, **kwargs)


def transfer_key(disbursement_id: str) -> str:
    return f"disbursement:{disbursement_id}:transfer"


def destination_of(d: Disbursement) -> str | None:
    return decrypt(d.destination_enc, aad_for("disbursement", d.id, "destination"))


def send_one(session: Session, disbursement_id: str) -> str:
    """Send one disbursement; returns what happened ("sent", "skipped", "failed").

    Raises ExternalServiceError when Stripe could not be reached: the outbox row goes back
    and the same key is used next time.
    """
    d = repository.get_for_update(session, disbursement_id)
    if d.status != APPROVED or d.stripe_transfer_id or d.rail != RAIL_STRIPE or on_hold(d):
        return "skipped"
    try:
        transfer = client().v1.transfers.create(
            params={"amount": d.amount_minor, "currency": d.currency.lower(),
                    "destination": destination_of(d) or "",
                    "metadata": {"disbursement_id": d.id}},
            options={"idempotency_key": transfer_key(d.id)})
    except stripe.InvalidRequestError as exc:
        if (exc.code or "") in RETRY_LATER_CODES:
            raise ExternalServiceError("Stripe cannot take the transfer now") from None
        outcomes.end(session, d, FAILED, actor_role=SYSTEM, actor_id=None,
                     code=f"stripe_{exc.code or 'invalid_request'}"[:64])
        return "failed"
    except stripe.StripeError as exc:
        raise ExternalServiceError(f"Stripe error {type(exc).__name__}") from None
    outcomes.mark_sent(session, d, actor_role=SYSTEM, actor_id=None, transfer_id=transfer.id)
    # Stripe's clock, so "created before the payout" compares like with like.
    d.sent_at = datetime.fromtimestamp(int(transfer.created), tz=timezone.utc)
    session.add(d)
    return "sent"


def list_transfers(*, created_gte: int) -> list[dict[str, Any]]:
    page = client().v1.transfers.list(params={"limit": 100, "created": {"gte": created_gte}})
    return [t.to_dict() for t in page.auto_paging_iter()]


def list_payouts(*, account: str, created_gte: int) -> list[dict[str, Any]]:
    page = client().v1.payouts.list(params={"limit": 100, "created": {"gte": created_gte}},
                                    options={"stripe_account": account})
    return [p.to_dict() for p in page.auto_paging_iter()]
