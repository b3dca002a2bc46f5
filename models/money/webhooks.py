"""Stripe webhook events: verified, stored once by event id, applied without going backwards.

- `payout.paid` (a Connect event: `account` is the destination) confirms the `sent` Stripe
  disbursements to that account whose transfer was created before the payout.
- `transfer.reversed` fails the disbursement of that transfer, even after confirmation and
  whatever the order of delivery: it is about the transfer itself, so no money reversed is
  ever counted as paid.
- `payout.failed` fails what that payout confirmed and what it would have carried.
- Per disbursement, `last_event_at` keeps the `created` of the newest event applied; an
  older event never changes it again, and ended states never move.
- Events about transfers or accounts we do not know are stored and change nothing.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from models.core.base import utcnow
from models.core.crypto import blind_index
from models.core.db import is_postgres
from models.core.errors import Invalid
from models.core.settings import get_settings
from models.core.workflow import STRIPE
from models.money import outcomes, repository
from models.money.tables import Disbursement, StripeEvent
from models.money.workflow import CONFIRMED, ENDED, FAILED, SENT

TOLERANCE_SECONDS = 300


class BadEvent(Invalid):
    """The event is not a verified Stripe event."""

    code = "bad_signature"
    http_status = 400


def verify(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event, or BadEvent (400) for a bad signature, a stale timestamp or bad JSON."""
    if not signature:
        raise BadEvent("missing Stripe-Signature")
    import stripe  # lazy: the API process loads the SDK only when a webhook arrives
    try:
        # the signature only: the SDK's construct_event would also build an Event and fail
        # with AttributeError on a signed body that is not an object
        stripe.WebhookSignature.verify_header(payload.decode("utf-8"), signature,
                                              get_settings().stripe_webhook_secret,
                                              tolerance=TOLERANCE_SECONDS)
        event = json.loads(payload)
    except stripe.SignatureVerificationError:
        raise BadEvent("the signature or its timestamp does not verify") from None
    except ValueError:
        raise BadEvent("the payload is not a Stripe event", code="bad_payload") from None
    _refuse_future_signature(signature)
    if not _well_formed(event):  # signed, but not a shape we can apply: 400, not a 500
        raise BadEvent("the payload is not a Stripe event", code="bad_payload")
    return event


def _refuse_future_signature(signature: str) -> None:
    """The SDK refuses a timestamp older than the tolerance, not one in the future: a
    header signed ahead of time would stay replayable until then."""
    stamps = [p[2:] for p in signature.split(",") if p.strip().startswith("t=")]
    try:
        when = int(stamps[0].strip())
    except (IndexError, ValueError):
        raise BadEvent("the signature's timestamp does not verify") from None
    if when > utcnow().timestamp() + TOLERANCE_SECONDS:
        raise BadEvent("the signature's timestamp is in the future")


def _well_formed(event: Any) -> bool:
    """id and type strings, created an integer, data.object an object, account a string."""
    if not isinstance(event, dict):
        return False
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    created = event.get("created", 0)
    return (isinstance(event.get("id"), str) and bool(event["id"])
            and isinstance(event.get("type"), str)
            and isinstance(created, int) and not isinstance(created, bool) and created >= 0
            and isinstance(obj, dict)
            and isinstance(event.get("account"), (str, type(None)))
            and isinstance(obj.get("id", ""), str)
            and isinstance(obj.get("created", 0), int) and not isinstance(obj.get("created", 0), bool))


def receive(session: Session, event: dict[str, Any]) -> str:
    """Store once, then apply; returns "duplicate", "applied" or "ignored"."""
    if not _store_once(session, event):
        return "duplicate"
    changed = apply(session, event)
    row = session.get(StripeEvent, event["id"])
    if row is not None:
        row.processed_at = utcnow()
        session.add(row)
    return "applied" if changed else "ignored"


def _store_once(session: Session, event: dict[str, Any]) -> bool:
    values = {"id": str(event["id"])[:255], "type": str(event.get("type", ""))[:64],
              "created": int(event.get("created") or 0), "received_at": utcnow()}
    insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = (insert(StripeEvent).values(**values).on_conflict_do_nothing(index_elements=["id"])
            .returning(StripeEvent.__table__.c.id))  # type: ignore[attr-defined]
    return session.execute(stmt).first() is not None


def apply(session: Session, event: dict[str, Any]) -> int:
    obj = (event.get("data") or {}).get("object") or {}
    created = int(event.get("created") or 0)
    kind = event.get("type")
    if kind == "transfer.reversed":
        d = repository.by_transfer(session, str(obj.get("id", "")))
        return _fail(session, [d] if d else [], created, "stripe_transfer_reversed",
                     always=True)
    account = event.get("account")
    if kind not in ("payout.paid", "payout.failed") or not account:
        return 0
    if kind == "payout.paid":
        return _confirm_payout(session, account, obj, created)
    return _fail_payout(session, account, obj, created)


def _fresh(d: Disbursement, created: int) -> bool:
    return d.status not in ENDED and created >= (d.last_event_at or 0)


def _payout_time(obj: dict[str, Any], created: int) -> datetime:
    return datetime.fromtimestamp(int(obj.get("created") or created), tz=timezone.utc)


def _confirm_payout(session: Session, account: str, obj: dict, created: int) -> int:
    index = blind_index(account, "stripe_account") or ""
    rows = repository.sent_stripe_to(session, index,
                                     created_before=_payout_time(obj, created))
    count = 0
    for d in rows:
        if not _fresh(d, created):
            continue
        d.last_event_at, d.stripe_payout_id = created, str(obj.get("id", ""))[:64]
        outcomes.mark_confirmed(session, d, actor_role=STRIPE, actor_id=STRIPE,
                                at=_payout_time(obj, created))
        count += 1
    return count


def _fail_payout(session: Session, account: str, obj: dict, created: int) -> int:
    payout_id = str(obj.get("id", ""))
    confirmed = list(session.exec(select(Disbursement).where(
        Disbursement.stripe_payout_id == payout_id, Disbursement.status == CONFIRMED)
        .with_for_update()).all())
    index = blind_index(account, "stripe_account") or ""
    carried = repository.sent_stripe_to(session, index,
                                        created_before=_payout_time(obj, created))
    return _fail(session, confirmed + carried, created, "stripe_payout_failed")


def _fail(session: Session, rows: list[Disbursement], created: int, code: str, *,
          always: bool = False) -> int:
    count = 0
    for d in rows:
        if d.status not in (SENT, CONFIRMED) or not (always or _fresh(d, created)):
            continue
        d.last_event_at = max(created, d.last_event_at or 0)
        outcomes.end(session, d, FAILED, actor_role=STRIPE, actor_id=STRIPE, code=code)
        count += 1
    return count
