"""Disbursement rules: creation, tranches, four eyes, holds, budget, cap, ends that reopen."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.applications.tables import Application
from models.core import audit
from models.core.errors import Conflict, Forbidden, IllegalTransition, Invalid
from models.core.outbox import Dispatch
from models.money import ledger, outcomes, repository, service
from models.money.tables import LedgerEntry
from tests.money import factories as f

ACCT = "acct_1TestRecipient0001"


def _approve(session, d, user, **kw):  # type: ignore[no-untyped-def]
    return service.approve(session=session, disbursement_id=d.id, user_id=user.id,
                           role=user.role, **kw)


class TestCreate:
    def test_one_disbursement_up_to_the_threshold(self, session):
        prog = f.programme(session)
        app = f.grant(session, prog=prog, amount=300_000)
        [d] = service.create_disbursements(session=session, application=app)
        assert (d.status, d.amount_minor, d.currency, d.approvals_required) == \
            ("draft", 300_000, "EUR", 1)
        assert service.create_disbursements(session=session, application=app) == [d]

    def test_tranches_above_the_tranche_threshold(self, session):
        prog = f.programme(session)
        app = f.grant(session, prog=prog, amount=700_001)
        rows = service.create_disbursements(session=session, application=app)
        assert [r.amount_minor for r in rows] == [350_000, 350_001]
        assert [r.approvals_required for r in rows] == [2, 2]
        assert rows[0].not_before is not None and rows[1].not_before is None


class TestApprove:
    def test_single_approval_commits_and_queues_stripe_send(self, session):
        prog = f.programme(session)
        app = f.grant(session, prog=prog)
        [d] = service.create_disbursements(session=session, application=app)
        [fin] = f.staff(session)
        _approve(session, d, fin, rail="stripe_connect", destination=ACCT)
        assert d.status == "approved" and app.status == "disbursing"
        assert ACCT not in (d.destination_enc or "")
        rows = session.exec(select(Dispatch).where(Dispatch.entity_id == d.id)).all()
        assert [r.flow for r in rows] == ["send-disbursement"]
        assert ledger.balances(session, programme_id=prog.id, currency="EUR").committed == 300_000
        assert audit.verify(session).ok
        events = session.exec(select(audit.AuditEvent)).all()
        assert {"disbursement.created", "disbursement.approval", "disbursement.status",
                "grant.status"} <= {e.action for e in events}
        assert not any(ACCT in e.data for e in events)  # ids and codes only

    def test_two_different_people_above_the_threshold(self, session):
        prog = f.programme(session)
        [d] = service.create_disbursements(session=session,
                                           application=f.grant(session, prog=prog, amount=550_000))
        a, b = f.staff(session, n=2)
        _approve(session, d, a, rail="bank_wire")
        assert d.status == "draft"
        with pytest.raises(Conflict, match="already approved"):
            _approve(session, d, a)
        _approve(session, d, b)
        assert d.status == "approved"

    def test_the_one_who_set_it_up_never_approves_alone(self, session):
        prog = f.programme(session)
        [d] = service.create_disbursements(session=session, application=f.grant(session, prog=prog))
        a, b = f.staff(session, n=2)
        service.set_up(session=session, disbursement_id=d.id, user_id=a.id, role="finance",
                       rail="mobile_money", destination="wallet-test-0001")
        _approve(session, d, a)
        assert d.status == "draft"  # one approval is enough, but not the preparer's alone
        _approve(session, d, b)
        assert d.status == "approved"

    def test_only_finance_and_only_approved_grants(self, session):
        prog = f.programme(session)
        [d] = service.create_disbursements(session=session, application=f.grant(session, prog=prog))
        [rev] = f.staff(session, role="reviewer")
        with pytest.raises(Forbidden):
            _approve(session, d, rev, rail="bank_wire")
        rejected = f.grant(session, prog=prog)
        [d2] = service.create_disbursements(session=session, application=rejected)
        rejected.status = "rejected"
        [fin] = f.staff(session)
        with pytest.raises(Conflict, match="not approved"):
            _approve(session, d2, fin, rail="bank_wire")
        assert d2.status == "draft" and not repository.approvals(session, d2.id)

    def test_bad_details_are_refused(self, session):
        prog = f.programme(session)
        [d] = service.create_disbursements(session=session, application=f.grant(session, prog=prog))
        [fin] = f.staff(session)
        with pytest.raises(Invalid):
            _approve(session, d, fin, rail="stripe_connect", destination="not-an-account")
        with pytest.raises(Invalid):
            _approve(session, d, fin, rail="pigeon")

    def test_compliance_hold_must_be_cleared_first(self, session):
        prog = f.programme(session)
        [d] = service.create_disbursements(session=session, application=f.grant(session, prog=prog))
        a, b = f.staff(session, n=2)
        service.place_hold(session=session, disbursement_id=d.id, user_id=a.id,
                           role="finance", reason="sanctions_name_match")
        with pytest.raises(Conflict, match="hold"):
            _approve(session, d, b, rail="bank_wire")
        service.clear_hold(session=session, disbursement_id=d.id, user_id=a.id, role="finance")
        _approve(session, d, b, rail="bank_wire")
        assert d.status == "approved"

    def test_second_tranche_waits_for_the_first(self, session):
        prog = f.programme(session)
        first, second = service.create_disbursements(
            session=session, application=f.grant(session, prog=prog, amount=800_000))
        a, b = f.staff(session, n=2)
        with pytest.raises(Conflict, match="previous"):
            _approve(session, second, a, rail="bank_wire")
        _approve(session, first, a, rail="bank_wire")
        _approve(session, first, b)
        outcomes.confirm_manual(session=session, disbursement_id=first.id, user_id=a.id,
                                role="finance", reference="WIRE-REF-1")
        assert second.not_before is not None
        _approve(session, second, a, rail="bank_wire")
        _approve(session, second, b)
        outcomes.send_manual(session=session, disbursement_id=second.id, user_id=b.id,
                             role="finance", reference="WIRE-REF-2")
        outcomes.confirm_manual(session=session, disbursement_id=second.id, user_id=b.id,
                                role="finance", reference="WIRE-REF-2")
        assert session.get(Application, first.application_id).status == "follow_up"

    def test_the_last_tranche_confirmed_later_ends_the_grant(self, session):
        """The first tranche's confirmation read back from SQLite has no time zone; comparing
        it with the second's once raised TypeError, and the grant never reached follow-up."""
        prog = f.programme(session)
        first, second = service.create_disbursements(
            session=session, application=f.grant(session, prog=prog, amount=800_000))
        a, b = f.staff(session, n=2)
        for d, ref in ((first, "WIRE-REF-1"), (second, "WIRE-REF-2")):
            _approve(session, d, a, rail="bank_wire")
            _approve(session, d, b)
            outcomes.send_manual(session=session, disbursement_id=d.id, user_id=b.id,
                                 role="finance", reference=ref)
            outcomes.confirm_manual(session=session, disbursement_id=d.id, user_id=b.id,
                                    role="finance", reference=ref)
            session.commit()
            session.expire_all()  # the next step reads the first from the database
        assert session.get(Application, first.application_id).status == "follow_up"

    def test_a_retried_second_tranche_keeps_waiting_for_the_first(self, session):
        """Cancelling the waiting tranche 2 once made a retry released at once, which could
        be approved and sent before tranche 1 was confirmed (issue 18)."""
        prog = f.programme(session)
        first, second = service.create_disbursements(
            session=session, application=f.grant(session, prog=prog, amount=800_000))
        a, b = f.staff(session, n=2)
        outcomes.finance_end(session=session, disbursement_id=second.id, user_id=a.id,
                             role="finance", target="cancelled")
        [retry] = [d for d in repository.of_application(session, first.application_id)
                   if d.retry_of == second.id]
        assert retry.not_before is None
        with pytest.raises(Conflict, match="previous"):
            _approve(session, retry, a, rail="bank_wire")
        _approve(session, first, a, rail="bank_wire")
        _approve(session, first, b)
        outcomes.confirm_manual(session=session, disbursement_id=first.id, user_id=a.id,
                                role="finance", reference="WIRE-REF-1")
        assert retry.not_before is not None
        _approve(session, retry, a, rail="bank_wire")


class TestBudgetAndCap:
    def test_budget_per_programme_and_currency(self, session):
        prog = f.programme(session, budget_minor=500_000)
        d1, d2 = (service.create_disbursements(session=session,
                                               application=f.grant(session, prog=prog))[0]
                  for _ in range(2))
        [fin] = f.staff(session)
        _approve(session, d1, fin, rail="bank_wire")
        session.commit()
        with pytest.raises(Conflict, match="budget"):
            _approve(session, d2, fin, rail="bank_wire")
        session.rollback()
        assert repository.get(session, d2.id).status == "draft"
        b = ledger.balances(session, programme_id=prog.id, currency="EUR")
        assert (b.committed, b.remaining) == (300_000, 200_000)

    def test_cap_per_grant(self, session):
        prog = f.programme(session)
        app = f.grant(session, prog=prog, amount=300_000)
        [d] = service.create_disbursements(session=session, application=app)
        [fin] = f.staff(session)
        d.amount_minor = 300_001  # a tampered row must still never pay more than decided
        with pytest.raises(Conflict, match="more than decided"):
            _approve(session, d, fin, rail="bank_wire")


class TestEnds:
    def test_failure_gives_money_back_and_reopens(self, session):
        prog = f.programme(session)
        app = f.grant(session, prog=prog)
        [d] = service.create_disbursements(session=session, application=app)
        [fin] = f.staff(session)
        _approve(session, d, fin, rail="bank_wire")
        outcomes.send_manual(session=session, disbursement_id=d.id, user_id=fin.id,
                             role="finance", reference="WIRE-REF-9")
        outcomes.finance_end(session=session, disbursement_id=d.id, user_id=fin.id,
                             role="finance", target="returned")
        assert d.status == "returned" and app.status == "approved"
        retry = [r for r in repository.of_application(session, app.id) if r.retry_of == d.id]
        assert len(retry) == 1 and retry[0].status == "draft"
        assert ledger.balances(session, programme_id=prog.id, currency="EUR").held == 0
        with pytest.raises(IllegalTransition):
            outcomes.finance_end(session=session, disbursement_id=d.id, user_id=fin.id,
                                 role="finance", target="cancelled")
        legs = session.exec(select(LedgerEntry)).all()
        assert sum(e.amount_minor for e in legs) == 0

    def test_cancel_without_reopening(self, session):
        prog = f.programme(session)
        app = f.grant(session, prog=prog)
        [d] = service.create_disbursements(session=session, application=app)
        [fin] = f.staff(session)
        _approve(session, d, fin, rail="cash_via_partner")
        outcomes.finance_end(session=session, disbursement_id=d.id, user_id=fin.id,
                             role="finance", target="cancelled", reopen=False)
        assert d.status == "cancelled" and app.status == "approved"
        assert len(repository.of_application(session, app.id)) == 1

    def test_confirm_needs_a_reference(self, session):
        prog = f.programme(session)
        [d] = service.create_disbursements(session=session, application=f.grant(session, prog=prog))
        [fin] = f.staff(session)
        _approve(session, d, fin, rail="bank_wire")
        with pytest.raises(Invalid):
            outcomes.confirm_manual(session=session, disbursement_id=d.id, user_id=fin.id,
                                    role="finance", reference="  ")
        assert d.status == "approved"


class TestDetails:
    def test_second_approver_may_repeat_the_same_details_not_change_them(self, session):
        prog = f.programme(session)
        [d] = service.create_disbursements(
            session=session, application=f.grant(session, prog=prog, amount=550_000))
        a, b = f.staff(session, n=2)
        _approve(session, d, a, rail="stripe_connect", destination=ACCT)
        with pytest.raises(Conflict, match="differ"):
            _approve(session, d, b, rail="stripe_connect", destination="acct_Another0001")
        _approve(session, d, b, rail="stripe_connect", destination=ACCT)
        assert d.status == "approved"

    def test_set_up_details_cannot_be_replaced_by_the_approver(self, session):
        prog = f.programme(session)
        [d] = service.create_disbursements(session=session, application=f.grant(session, prog=prog))
        a, b = f.staff(session, n=2)
        service.set_up(session=session, disbursement_id=d.id, user_id=a.id, role="finance",
                       rail="bank_wire", destination="IBAN-TEST-0001")
        with pytest.raises(Conflict, match="differ"):
            _approve(session, d, b, rail="mobile_money", destination="wallet-test-0002")
        _approve(session, d, b)
        assert d.status == "approved" and d.rail == "bank_wire"
