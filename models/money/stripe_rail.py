"""The `stripe_connect` rail: one transfer per disbursement, made safe to repeat.

`send_one` works in three steps so no database lock is held during the network call (on
SQLite a write transaction locks the whole file):
1. claim — FOR UPDATE: send only when approved, not held, without a transfer and with no
   call in flight; stamp `send_started_at` (cancel, hold and other senders wait while a
   call may be in flight; a crashed call is retried once the stamp is 5 minutes old, by
   the sweeper); commit.
2. call — `POST /v1/transfers` with the idempotency key `disbursement:{id}:transfer` (our
   ids only); the SDK retries 5xx answers, 409s and time-outs with the same key.
3. record — FOR UPDATE again: `sent` with the transfer id, only if still approved.
Two flows racing, or a re-run after a crash between 2 and 3, reach Stripe with the same key
and get the same transfer back: one transfer, always.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from models.core import audit
from models.core.base import utcnow
from models.core.crypto import aad_for, decrypt
from models.core.db import session_scope
from models.core.errors import ExternalServiceError
from models.core.settings import get_settings
from models.core.workflow import SYSTEM
from models.money import outcomes, repository
from models.money.service import on_hold
from models.money.tables import Disbursement
from models.money.workflow import APPROVED, FAILED, RAIL_STRIPE

if TYPE_CHECKING:
    import stripe

TIMEOUT_SECONDS = 20.0
NETWORK_RETRIES = 3
RETRY_LATER_CODES = {"balance_insufficient", "rate_limit"}  # our side: try again later


def client(*, timeout: float | None = None, retries: int | None = None) -> stripe.StripeClient:
    import stripe  # lazy: the SDK (and requests, httpx) costs ~25 MB in every process
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


@dataclass(frozen=True)
class TransferOrder:
    disbursement_id: str
    amount_minor: int
    currency: str
    destination: str


def send_one(disbursement_id: str) -> str:
    """Send one disbursement: "sent", "skipped" or "failed".

    Raises ExternalServiceError when Stripe could not be reached: the outbox row goes back
    and the same key is used next time.
    """
    import stripe  # lazy, see client()
    order = _claim(disbursement_id)
    if order is None:
        return "skipped"
    try:
        transfer = client().v1.transfers.create(
            params={"amount": order.amount_minor, "currency": order.currency.lower(),
                    "destination": order.destination,
                    "metadata": {"disbursement_id": order.disbursement_id}},
            options={"idempotency_key": transfer_key(order.disbursement_id)})
    except stripe.InvalidRequestError as exc:
        if (exc.code or "") not in RETRY_LATER_CODES:
            return _record_refusal(disbursement_id, f"stripe_{exc.code or 'invalid_request'}")
        _release(disbursement_id)
        raise ExternalServiceError("Stripe cannot take the transfer now") from None
    except stripe.StripeError as exc:
        _release(disbursement_id)  # the call is over; the same key settles any doubt later
        raise ExternalServiceError(f"Stripe error {type(exc).__name__}") from None
    return _record_transfer(disbursement_id, transfer.id, int(transfer.created))


def _claim(disbursement_id: str) -> TransferOrder | None:
    with session_scope() as session:
        d = repository.get_for_update(session, disbursement_id)
        if (d.status != APPROVED or d.stripe_transfer_id or d.rail != RAIL_STRIPE
                or on_hold(d) or outcomes.send_in_flight(d)):
            return None
        d.send_started_at = utcnow()
        session.add(d)
        return TransferOrder(d.id, d.amount_minor, d.currency, destination_of(d) or "")


def _release(disbursement_id: str) -> None:
    with session_scope() as session:
        d = repository.get_for_update(session, disbursement_id)
        d.send_started_at = None
        session.add(d)


def _record_transfer(disbursement_id: str, transfer_id: str, created: int) -> str:
    with session_scope() as session:
        d = repository.get_for_update(session, disbursement_id)
        if d.stripe_transfer_id == transfer_id:
            return "skipped"  # a racing flow recorded it already
        if d.status != APPROVED:
            # Cannot happen while cancel and hold wait for `send_started_at`; if it does,
            # reconciliation flags the transfer, and the audit chain says why.
            audit.record(session, actor=SYSTEM, action="disbursement.transfer_after_end",
                         entity="disbursement", entity_id=d.id,
                         data={"transfer_id": transfer_id, "status": d.status})
            return "skipped"
        outcomes.mark_sent(session, d, actor_role=SYSTEM, actor_id=None,
                           transfer_id=transfer_id)
        # Stripe's clock, so "created before the payout" compares like with like.
        d.sent_at = datetime.fromtimestamp(created, tz=timezone.utc)
        session.add(d)
        return "sent"


def _record_refusal(disbursement_id: str, code: str) -> str:
    with session_scope() as session:
        d = repository.get_for_update(session, disbursement_id)
        if d.status != APPROVED or d.stripe_transfer_id:
            return "skipped"
        outcomes.end(session, d, FAILED, actor_role=SYSTEM, actor_id=None, code=code[:64])
        return "failed"


def list_transfers(*, created_gte: int) -> list[dict[str, Any]]:
    page = client().v1.transfers.list(params={"limit": 100, "created": {"gte": created_gte}})
    return [t.to_dict() for t in page.auto_paging_iter()]


def list_payouts(*, account: str, created_gte: int) -> list[dict[str, Any]]:
    page = client().v1.payouts.list(params={"limit": 100, "created": {"gte": created_gte}},
                                    options={"stripe_account": account})
    return [p.to_dict() for p in page.auto_paging_iter()]
