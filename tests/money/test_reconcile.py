"""Reconciliation flags a transfer our ledger lacks and a sent disbursement Stripe lacks."""
from __future__ import annotations

from models.core.db import session_scope
from models.money import reconcile, repository, service, stripe_rail
from models.money.tables import ReconciliationReport
from tests.money import factories as f

ACCT = "acct_1TestRecipient0001"


def _sent(amount: int = 300_000) -> str:
    with session_scope() as session:
        prog = f.programme(session)
        [d] = service.create_disbursements(session=session,
                                           application=f.grant(session, prog=prog, amount=amount))
        [fin] = f.staff(session)
        service.approve(session=session, disbursement_id=d.id, user_id=fin.id,
                        role="finance", rail="stripe_connect", destination=ACCT)
    stripe_rail.send_one(d.id)
    return d.id


def test_clean_books_report_ok(sqlite_url, stripe_fake):
    _sent()
    report_id, differences = reconcile.run()
    assert differences == 0
    with session_scope() as session:
        assert session.get(ReconciliationReport, report_id).status == "ok"


def test_both_directions_flagged(db_url, stripe_fake):
    ours = _sent()
    lost = _sent(200_000)
    with session_scope() as session:
        d = repository.get(session, lost)
        stripe_fake._transfers.pop(d.stripe_transfer_id)  # Stripe never heard of it
    stray = stripe_rail.client().v1.transfers.create(
        params={"amount": 12_345, "currency": "eur", "destination": ACCT,
                "metadata": {"disbursement_id": "not-ours"}})
    report_id, _ = reconcile.run()
    with session_scope() as session:
        report = session.get(ReconciliationReport, report_id)
        codes = {(x["code"], x.get("disbursement_id") or x.get("transfer_id"))
                 for x in report.differences}
    assert ("transfer_missing_at_stripe", lost) in codes
    assert ("transfer_not_in_ledger", "not-ours") in codes
    assert not any(ours in c for c in codes)
    assert report.status == "differences" and report.transfers_seen == 2
    assert ACCT not in str(report.differences)
    del stray


def test_paid_payout_not_yet_confirmed_is_flagged(sqlite_url, stripe_fake):
    import time
    d_id = _sent()
    stripe_fake.add_payout(ACCT, 300_000, created=int(time.time()) + 1)
    report_id, _ = reconcile.run()
    with session_scope() as session:
        diffs = session.get(ReconciliationReport, report_id).differences
    assert {"code": "paid_not_confirmed", "disbursement_id": d_id} in diffs
