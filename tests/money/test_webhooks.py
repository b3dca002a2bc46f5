"""Stripe webhooks: verified, stored once, applied in any order without going backwards."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func
from sqlmodel import select

from models.applications.tables import Application
from models.core.db import session_scope
from models.money import ledger, repository, service, stripe_rail
from models.money.tables import LedgerEntry, StripeEvent
from tests.money import factories as f
from tests.support.fake_stripe import make_event, signed_webhook

ACCT = "acct_1TestRecipient0001"
SECRET = "whsec_test_amparo"
URL = "/api/v1/webhooks/stripe"


def _sent_disbursement(stripe_fake) -> str:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        prog = f.programme(session)
        [d] = service.create_disbursements(session=session,
                                           application=f.grant(session, prog=prog))
        [fin] = f.staff(session)
        service.approve(session=session, disbursement_id=d.id, user_id=fin.id,
                        role="finance", rail="stripe_connect", destination=ACCT)
    assert stripe_rail.send_one(d.id) == "sent"
    return d.id


def _post(client, event: dict, secret: str = SECRET, timestamp: int | None = None):  # type: ignore[no-untyped-def]
    body, sig = signed_webhook(event, secret, timestamp=timestamp)
    return client.post(URL, content=body, headers={"Stripe-Signature": sig,
                                                   "Content-Type": "application/json"})


def _state(d_id: str) -> tuple[str, str]:
    with session_scope() as session:
        d = repository.get(session, d_id)
        app = session.get(Application, d.application_id)
        return d.status, app.status


def _paid(stripe_fake, created: int) -> dict:  # type: ignore[no-untyped-def]
    payout = stripe_fake.add_payout(ACCT, 300_000, created=created)
    return make_event("payout.paid", payout, account=ACCT, created=created)


def test_payout_paid_ten_times_confirms_once(client, stripe_fake):
    d_id = _sent_disbursement(stripe_fake)
    event = _paid(stripe_fake, int(time.time()) + 1)
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: _post(client, event), range(10)))
    assert [a.status_code for a in answers] == [200] * 10
    assert sorted(a.json()["outcome"] for a in answers) == ["applied"] + ["duplicate"] * 9
    assert _state(d_id) == ("confirmed", "follow_up")
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(StripeEvent)).one() == 1
        paid = session.exec(select(LedgerEntry).where(LedgerEntry.movement == "confirmed",
                                                      LedgerEntry.account == "paid")).all()
        assert len(paid) == 1
        d = repository.get(session, d_id)
        assert ledger.balances(session, programme_id=d.programme_id,
                               currency="EUR").confirmed == 300_000


def test_reversal_after_payout_paid_ends_failed_in_any_order(client, stripe_fake):
    now = int(time.time())
    forward, backward = _sent_disbursement(stripe_fake), None
    paid = _paid(stripe_fake, now + 1)
    with session_scope() as session:
        transfer_id = repository.get(session, forward).stripe_transfer_id
    reversed_ = make_event("transfer.reversed", stripe_fake.transfers[transfer_id],
                           created=now + 2)
    for event in (paid, reversed_):
        assert _post(client, event).status_code == 200
    assert _state(forward)[0] == "failed"
    backward = _sent_disbursement(stripe_fake)
    with session_scope() as session:
        transfer_id = repository.get(session, backward).stripe_transfer_id
    paid2 = _paid(stripe_fake, now + 3)
    reversed2 = make_event("transfer.reversed", stripe_fake.transfers[transfer_id],
                           created=now + 4)
    for event in (reversed2, paid2):  # delivered newest first
        assert _post(client, event).status_code == 200
    status, grant = _state(backward)
    assert status == "failed" and grant == "approved"  # money back, open for a new attempt
    with session_scope() as session:
        legs = session.exec(select(LedgerEntry)).all()
        assert sum(e.amount_minor for e in legs) == 0
        assert ledger.account_of(session, backward) is None


def test_older_event_never_overrides_newer_state(client, stripe_fake):
    now = int(time.time())
    d_id = _sent_disbursement(stripe_fake)
    failed = stripe_fake.add_payout(ACCT, 300_000, status="failed", created=now + 1)
    paid = _paid(stripe_fake, now + 5)
    old_fail = make_event("payout.failed", failed, account=ACCT, created=now + 2)
    assert _post(client, paid).status_code == 200
    assert _post(client, old_fail).status_code == 200
    assert _state(d_id)[0] == "confirmed"


def test_bad_signature_and_stale_timestamp_are_refused(client, stripe_fake):
    d_id = _sent_disbursement(stripe_fake)
    event = _paid(stripe_fake, int(time.time()) + 1)
    bad = _post(client, event, secret="whsec_wrong")
    stale = _post(client, event, timestamp=int(time.time()) - 301)
    missing = client.post(URL, content=b"{}")
    for answer in (bad, stale, missing):
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "bad_signature"
    assert _state(d_id)[0] == "sent"
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(StripeEvent)).one() == 0


def test_unknown_transfer_is_stored_and_changes_nothing(client, stripe_fake):
    d_id = _sent_disbursement(stripe_fake)
    stranger = {"id": "tr_UnknownTransfer000000000", "object": "transfer", "amount": 5}
    answer = _post(client, make_event("transfer.reversed", stranger))
    assert answer.status_code == 200 and answer.json()["outcome"] == "ignored"
    other_account = make_event("payout.paid", stripe_fake.add_payout("acct_Other", 1),
                               account="acct_Other")
    assert _post(client, other_account).json()["outcome"] == "ignored"
    assert _state(d_id)[0] == "sent"
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(StripeEvent)).one() == 2


def test_a_signature_dated_in_the_future_is_refused(client, stripe_fake):
    d_id = _sent_disbursement(stripe_fake)
    event = _paid(stripe_fake, int(time.time()))
    answer = _post(client, event, timestamp=int(time.time()) + 3600)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "bad_signature"
    assert _state(d_id)[0] == "sent"


def test_signed_events_of_odd_shapes_get_400_and_change_nothing(client, stripe_fake):
    d_id = _sent_disbursement(stripe_fake)
    good = _paid(stripe_fake, int(time.time()))
    odd = [dict(good, data=[1, 2]), dict(good, data={"object": "text"}),
           dict(good, created="yesterday"), dict(good, created=True),
           dict(good, account={"id": ACCT}), dict(good, id=42), dict(good, type=None),
           dict(good, data={"object": dict(good["data"]["object"], created="soon")}),
           [good], "just a string", 7]
    for event in odd:
        answer = _post(client, event)  # type: ignore[arg-type]
        assert answer.status_code == 400, (event, answer.text)
        assert answer.json()["error"]["code"] == "bad_payload"
    assert _state(d_id)[0] == "sent"
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(StripeEvent)).one() == 0
