"""Money flows: send approved Stripe disbursements, reconcile with Stripe.

Flows take disbursement ids only. Each disbursement is claimed FOR UPDATE and checked before
the call, and recorded after it (models.money.stripe_rail.send_one); the idempotency key makes
a re-run after a crash, or a second dispatch, reach the same transfer: never paid twice.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from prefect import flow, task
from sqlmodel import Session

from models.core import outbox
from models.core.base import as_utc
from models.core.db import session_scope
from models.core.errors import ExternalServiceError
from models.money import reconcile, repository, stripe_rail
from models.money.service import SEND_FLOW, on_hold

log = logging.getLogger("amparo.money")


# Stripe unreachable for a moment: Prefect tries again within the run (the idempotency keys
# come from our ids, so a retry never pays twice), then the outbox gives the rows back.
@task(name="send-stripe-transfers", retries=2, retry_delay_seconds=[2, 10])
def send_stripe_transfers(ids: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    retry_later = 0
    for disbursement_id in ids:
        try:
            outcome = stripe_rail.send_one(disbursement_id)
        except ExternalServiceError:
            outcome, retry_later = "retry", retry_later + 1
        counts[outcome] = counts.get(outcome, 0) + 1
    log.info("stripe transfers: %s", counts)
    if retry_later:
        # The dispatcher gives the outbox rows back; the same keys are used next time.
        raise ExternalServiceError(f"{retry_later} transfer(s) to retry")
    return counts


@flow(name="send-disbursement")
def send_disbursements(ids: list[str]) -> dict[str, int]:
    return send_stripe_transfers(ids)


@task(name="reconcile-with-stripe", retries=2, retry_delay_seconds=[10, 60])
def reconcile_task(days: int) -> dict[str, int]:
    report_id, differences = reconcile.run(days=days)
    log.info("reconciliation %s: %d difference(s)", report_id, differences)
    return {"differences": differences}


@flow(name="reconcile-stripe")
def reconcile_stripe(ids: list[str] | None = None, days: int = reconcile.WINDOW_DAYS
                     ) -> dict[str, int]:
    """Scheduled: list Stripe's transfers and payouts and flag every difference."""
    return reconcile_task(days)


# --- sweeper steps: each idempotent, each only queues work for the dispatcher ------------

RECONCILE_FLOW = "reconcile-stripe"
RECONCILE_EVERY = timedelta(hours=1)
UNSENT_AFTER = timedelta(minutes=10)


def _waiting(session: Session, flow_name: str, entity_ids: list[str]) -> set[str]:
    return outbox.live_entities(session, flow=flow_name, entity_ids=entity_ids)


def unsent_stripe_disbursements(session: Session, now: datetime) -> dict:
    """Approved Stripe money with no transfer and no live dispatch gets a new one."""
    rows = [d for d in repository.unsent_stripe(session, approved_before=now - UNSENT_AFTER)
            if not on_hold(d)]
    waiting = _waiting(session, SEND_FLOW, [d.id for d in rows]) if rows else set()
    queued = [d.id for d in rows if d.id not in waiting]
    for d_id in queued:
        outbox.enqueue(session, flow=SEND_FLOW, entity_id=d_id)
    return {"disbursements_redispatched": len(queued)}


def reconciliation_due(session: Session, now: datetime) -> dict:
    """Queue a Stripe reconciliation when the last report is older than an hour."""
    last = repository.latest_reports(session, limit=1)
    if last and last[0].created_at and as_utc(last[0].created_at) > now - RECONCILE_EVERY:
        return {"reconciliation_queued": 0}
    if _waiting(session, RECONCILE_FLOW, ["stripe"]):
        return {"reconciliation_queued": 0}
    outbox.enqueue(session, flow=RECONCILE_FLOW, entity_id="stripe", priority=9)
    return {"reconciliation_queued": 1}

