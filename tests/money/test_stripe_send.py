"""The Stripe rail: exactly one transfer, whatever the concurrency, faults and crashes."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from models.core.base import utcnow
from models.core.db import session_scope
from models.core.errors import AmparoError, ExternalServiceError
from models.money import outcomes, repository, service, stripe_rail
from tests.money import factories as f

ACCT = "acct_1TestRecipient0001"


def _approved_grant(amount: int = 300_000, approve: bool = True) -> tuple[str, str]:
    """(disbursement id, finance user id) committed, approved for Stripe when asked."""
    with session_scope() as session:
        prog = f.programme(session)
        app = f.grant(session, prog=prog, amount=amount)
        [d] = service.create_disbursements(session=session, application=app)
        [fin] = f.staff(session)
        if approve:
            service.approve(session=session, disbursement_id=d.id, user_id=fin.id,
                            role="finance", rail="stripe_connect", destination=ACCT)
        return d.id, fin.id


def _send(disbursement_id: str) -> str:
    return stripe_rail.send_one(disbursement_id)


def test_transfer_carries_our_ids_only(sqlite_url, stripe_fake):
    d_id, _ = _approved_grant()
    assert _send(d_id) == "sent"
    [req] = stripe_fake.requests_to("POST", "/v1/transfers")
    assert req.headers["idempotency-key"] == f"disbursement:{d_id}:transfer"
    assert req.params == {"amount": "300000", "currency": "eur", "destination": ACCT,
                          "metadata": {"disbursement_id": d_id}}
    with session_scope() as session:
        d = repository.get(session, d_id)
        assert d.status == "sent" and d.stripe_transfer_id in stripe_fake.transfers
    assert _send(d_id) == "skipped"
    assert len(stripe_fake.transfers) == 1


def test_fifty_simultaneous_approve_and_send_make_one_transfer(db_url, stripe_fake):
    d_id, _ = _approved_grant(approve=False)
    with session_scope() as session:
        users = [u.id for u in f.staff(session, n=50)]
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def worker(user_id: str) -> None:
        barrier.wait()
        try:
            with session_scope() as session:
                service.approve(session=session, disbursement_id=d_id, user_id=user_id,
                                role="finance", rail="stripe_connect", destination=ACCT)
        except AmparoError:
            pass  # all but one find it approved already
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        try:
            _send(d_id)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    assert len(stripe_fake.transfers) == 1
    assert len(stripe_fake.requests_to("POST", "/v1/transfers")) == 1
    with session_scope() as session:
        assert repository.get(session, d_id).status == "sent"
        assert len(repository.approvals(session, d_id)) == 1


def test_500_then_timeout_then_success_is_one_transfer(sqlite_url, stripe_fake, monkeypatch):
    monkeypatch.setattr(stripe_rail, "TIMEOUT_SECONDS", 0.5)
    d_id, _ = _approved_grant()
    stripe_fake.fail_next(1, status=500)
    stripe_fake.timeout_next(1, seconds=1.5)  # does the work, answer lost
    assert _send(d_id) == "sent"
    posts = stripe_fake.requests_to("POST", "/v1/transfers")
    assert len(posts) == 3 and {p.headers["idempotency-key"] for p in posts} == \
        {f"disbursement:{d_id}:transfer"}
    assert len(stripe_fake.transfers) == 1


def test_stripe_down_leaves_it_approved_for_the_next_try(sqlite_url, stripe_fake, monkeypatch):
    monkeypatch.setattr(stripe_rail, "NETWORK_RETRIES", 0)
    d_id, _ = _approved_grant()
    stripe_fake.fail_next(1, status=503)
    with pytest.raises(ExternalServiceError):
        _send(d_id)
    with session_scope() as session:
        assert repository.get(session, d_id).status == "approved"
    assert _send(d_id) == "sent" and len(stripe_fake.transfers) == 1


def test_crash_after_the_call_before_our_commit_still_one_transfer(sqlite_url, stripe_fake,
                                                                   monkeypatch):
    d_id, _ = _approved_grant()
    real = outcomes.mark_sent

    def crash(*a, **kw):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt("process killed")

    monkeypatch.setattr(outcomes, "mark_sent", crash)
    with pytest.raises(KeyboardInterrupt):
        _send(d_id)
    monkeypatch.setattr(outcomes, "mark_sent", real)
    assert len(stripe_fake.transfers) == 1
    assert _send(d_id) == "skipped"  # the crashed call might still be running
    with session_scope() as session:  # ... until its stamp is older than the send window
        d = repository.get_for_update(session, d_id)
        d.send_started_at = utcnow() - outcomes.send_window() - timedelta(seconds=1)
        session.add(d)
    assert _send(d_id) == "sent"  # the re-dispatched flow: same key, Stripe replays
    assert len(stripe_fake.transfers) == 1
    with session_scope() as session:
        assert repository.get(session, d_id).stripe_transfer_id in stripe_fake.transfers


def test_permanent_refusal_fails_and_plans_a_new_attempt(sqlite_url, stripe_fake):
    d_id, _ = _approved_grant()
    stripe_fake.fail_next(1, status=400, should_retry=False)
    assert _send(d_id) == "failed"
    with session_scope() as session:
        d = repository.get(session, d_id)
        rows = repository.of_application(session, d.application_id)
        assert d.status == "failed" and [r.status for r in rows if r.retry_of == d_id] == ["draft"]


def test_held_money_is_not_sent(sqlite_url, stripe_fake):
    d_id, fin = _approved_grant()
    with session_scope() as session:
        service.place_hold(session=session, disbursement_id=d_id, user_id=fin,
                           role="finance", reason="sanctions_name_match")
    assert _send(d_id) == "skipped" and not stripe_fake.transfers


def test_no_cancel_or_hold_while_a_call_may_be_in_flight(sqlite_url, stripe_fake):
    d_id, fin = _approved_grant()
    with session_scope() as session:  # as the flow's claim step leaves it
        d = repository.get_for_update(session, d_id)
        d.send_started_at = utcnow()
        session.add(d)
    for act in (lambda s: outcomes.finance_end(session=s, disbursement_id=d_id, user_id=fin,
                                               role="finance", target="cancelled"),
                lambda s: service.place_hold(session=s, disbursement_id=d_id, user_id=fin,
                                             role="finance", reason="other")):
        with pytest.raises(AmparoError, match="being made"), session_scope() as session:
            act(session)
    assert _send(d_id) == "skipped" and not stripe_fake.transfers
