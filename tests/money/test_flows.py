"""The send flow through the outbox, and the crash case: killed after the approval commit,
before the Stripe call — the sweeper's re-dispatch ends with exactly one transfer."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from flows import dispatch
from flows.money import reconciliation_due, unsent_stripe_disbursements
from models.core import outbox
from models.core.base import utcnow
from models.core.db import session_scope
from models.core.outbox import Dispatch
from models.money import repository, service
from tests.money import factories as f

ACCT = "acct_1TestRecipient0001"


def _approve_for_stripe() -> str:
    with session_scope() as session:
        prog = f.programme(session)
        [d] = service.create_disbursements(session=session,
                                           application=f.grant(session, prog=prog))
        [fin] = f.staff(session)
        service.approve(session=session, disbursement_id=d.id, user_id=fin.id,
                        role="finance", rail="stripe_connect", destination=ACCT)
        return d.id


def test_killed_before_the_call_sweeper_finishes_with_one_transfer(
        sqlite_url, stripe_fake, prefect_harness):
    d_id = _approve_for_stripe()
    with session_scope() as session:  # a dispatcher claimed the row, then the process died
        [row] = outbox.claim(session, flow="send-disbursement")
    with session_scope() as session:
        assert outbox.requeue_stale(session, older_than=timedelta(0)) == 1
    assert dispatch.dispatch_once() == 1
    assert dispatch.dispatch_once() == 0
    assert len(stripe_fake.transfers) == 1
    with session_scope() as session:
        assert repository.get(session, d_id).status == "sent"
        assert session.get(Dispatch, row.id).status == "done"
    with session_scope() as session:  # sweeping again finds nothing to redo
        later = utcnow() + timedelta(hours=1)
        assert unsent_stripe_disbursements(session, later) == {"disbursements_redispatched": 0}


def test_sweeper_redispatches_unsent_and_queues_reconciliation(sqlite_url, stripe_fake,
                                                               prefect_harness):
    d_id = _approve_for_stripe()
    with session_scope() as session:  # the dispatch row died after too many attempts
        for row in session.exec(select(Dispatch)).all():
            row.status = "dead"
            session.add(row)
    later = utcnow() + timedelta(minutes=11)
    with session_scope() as session:
        assert unsent_stripe_disbursements(session, later) == {"disbursements_redispatched": 1}
        assert reconciliation_due(session, later) == {"reconciliation_queued": 1}
    with session_scope() as session:
        assert reconciliation_due(session, later) == {"reconciliation_queued": 0}
    assert dispatch.dispatch_once() == 2
    assert len(stripe_fake.transfers) == 1
    with session_scope() as session:
        assert repository.get(session, d_id).status == "sent"
        assert repository.latest_reports(session)[0].status == "ok"


def test_a_passing_stripe_failure_is_retried_by_prefect_within_the_run(
        sqlite_url, stripe_fake, prefect_harness):
    """Issue 13: transient failures are retried by Prefect itself (the operator sees them in
    its UI); the outbox stays the safety net for crashes."""
    d_id = _approve_for_stripe()
    stripe_fake.fail_next(1, status=500, should_retry=False)  # the SDK itself gives up
    assert dispatch.dispatch_once() == 1  # one run: the task failed once, then sent
    assert len(stripe_fake.transfers) == 1
    with session_scope() as session:
        assert repository.get(session, d_id).status == "sent"
