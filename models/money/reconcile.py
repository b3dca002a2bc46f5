"""Reconciliation with Stripe: list its transfers and payouts, flag every difference.

Differences hold ids and codes only (our disbursement ids, Stripe object ids):
- `transfer_not_in_ledger`   a Stripe transfer no disbursement of ours accounts for
- `transfer_missing_at_stripe` a disbursement we booked as sent that Stripe does not list
- `amount_mismatch`          the transfer's amount or currency differs from ours
- `reversed_not_failed`      Stripe reversed it, we still count it as paid or in transit
- `paid_not_confirmed`       a paid payout should have confirmed a `sent` disbursement
- `payout_failed_not_failed` the payout that confirmed it failed at Stripe
- `ledger_mismatch`          the ledger does not hold the money where the status says
"""
from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

from sqlmodel import Session

from models.core.db import session_scope
from models.money import ledger, repository, stripe_rail
from models.money.tables import Disbursement, ReconciliationReport
from models.money.workflow import APPROVED, CONFIRMED, SENT

WINDOW_DAYS = 35
WHERE_MONEY_IS = {APPROVED: ledger.COMMITTED, SENT: ledger.IN_TRANSIT, CONFIRMED: ledger.PAID}


def run(*, days: int = WINDOW_DAYS) -> tuple[str, int]:
    """One reconciliation, stored as a report row; returns (report id, differences)."""
    import stripe  # lazy: only the reconciliation run needs the SDK
    since = int(time.time()) - days * 86400
    try:
        transfers = stripe_rail.list_transfers(created_gte=since)
    except stripe.StripeError as exc:
        return _store([{"code": "stripe_unreachable", "error": type(exc).__name__}], 0, 0,
                      status="error"), 1
    with session_scope() as session:
        ours = [d for d in repository.stripe_with_transfer(session) if d.stripe_transfer_id]
        diffs = compare_transfers(session, transfers, ours, since)
        payouts_seen, payout_diffs = _check_payouts(session, ours, since)
        diffs += payout_diffs
        diffs += compare_ledger(session, ours)
    return _store(diffs, len(transfers), payouts_seen), len(diffs)


def compare_transfers(session: Session, transfers: list[Any], ours: list[Disbursement],
                      since: int | None = None) -> list[dict]:
    by_transfer = {d.stripe_transfer_id: d for d in ours}
    diffs: list[dict] = []
    for t in transfers:
        d = by_transfer.get(t["id"])
        if d is None:
            diffs.append({"code": "transfer_not_in_ledger", "transfer_id": t["id"],
                          "disbursement_id": (t.get("metadata") or {}).get("disbursement_id"),
                          "amount_minor": t["amount"]})
            continue
        if t["amount"] != d.amount_minor or t["currency"].upper() != d.currency.upper():
            diffs.append({"code": "amount_mismatch", "transfer_id": t["id"],
                          "disbursement_id": d.id})
        if t.get("reversed") or t.get("amount_reversed"):
            if d.status in (SENT, CONFIRMED):
                diffs.append({"code": "reversed_not_failed", "transfer_id": t["id"],
                              "disbursement_id": d.id})
    listed = {t["id"] for t in transfers}
    for d in ours:
        if d.stripe_transfer_id in listed or d.status not in (SENT, CONFIRMED):
            continue
        if since is not None and d.sent_at and _ts(d.sent_at) < since:
            continue  # older than the window we listed
        diffs.append({"code": "transfer_missing_at_stripe", "disbursement_id": d.id,
                      "transfer_id": d.stripe_transfer_id})
    return diffs


def _check_payouts(session: Session, ours: list[Disbursement],
                   since: int) -> tuple[int, list[dict]]:
    accounts: dict[str, list[Disbursement]] = {}
    for d in ours:
        if d.status in (SENT, CONFIRMED):
            accounts.setdefault(stripe_rail.destination_of(d) or "", []).append(d)
    seen, diffs = 0, []
    for account, rows in accounts.items():
        if not account:
            continue
        payouts = stripe_rail.list_payouts(account=account, created_gte=since)
        seen += len(payouts)
        diffs += compare_payouts(payouts, rows)
    return seen, diffs


def compare_payouts(payouts: list[Any], rows: list[Disbursement]) -> list[dict]:
    diffs = []
    failed = {p["id"] for p in payouts if p["status"] == "failed"}
    paid = [int(p["created"]) for p in payouts if p["status"] == "paid"]
    for d in rows:
        if d.status == CONFIRMED and d.stripe_payout_id in failed:
            diffs.append({"code": "payout_failed_not_failed", "disbursement_id": d.id,
                          "payout_id": d.stripe_payout_id})
        if d.status == SENT and d.sent_at and any(_ts(d.sent_at) <= p for p in paid):
            diffs.append({"code": "paid_not_confirmed", "disbursement_id": d.id})
    return diffs


def compare_ledger(session: Session, ours: list[Disbursement]) -> list[dict]:
    diffs = []
    for d in ours:
        expected = WHERE_MONEY_IS.get(d.status)
        if ledger.account_of(session, d.id) != expected:
            diffs.append({"code": "ledger_mismatch", "disbursement_id": d.id,
                          "status": d.status})
    return diffs


def _ts(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return int(value.timestamp())


def _store(diffs: list[dict], transfers: int, payouts: int, *, status: str | None = None
           ) -> str:
    with session_scope() as session:
        report = ReconciliationReport(transfers_seen=transfers, payouts_seen=payouts,
                                      differences=diffs,
                                      status=status or ("differences" if diffs else "ok"))
        session.add(report)
    return report.id
