"""Property: for any sequence of approvals, sends, confirmations, failures and returns, the
ledger's balances equal the sum of the movements, every movement balances, the budget holds,
and no grant is ever paid more than its decided amount."""
from __future__ import annotations

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from models.core.base import new_id
from models.core.db import session_scope
from models.core.errors import AmparoError
from models.core.workflow import STRIPE
from models.money import ledger, outcomes, repository, service
from models.money.tables import Disbursement, LedgerEntry
from tests.money import factories as f

OPS = ("approve", "approve2", "send", "confirm", "fail", "return", "cancel", "reverse")
WHERE = {"approved": "committed", "sent": "in_transit", "confirmed": "paid"}


def _world() -> tuple[str, list[str], list[str]]:
    with session_scope() as session:
        prog = f.programme(session, slug="p-" + new_id()[:10], budget_minor=900_000)
        apps = [f.grant(session, prog=prog, amount=a).id for a in (300_000, 550_000, 800_000)]
        for app_id in apps:
            service.create_disbursements(session=session,
                                         application=session.get(f.Application, app_id))
        users = [u.id for u in f.staff(session, n=2)]
        return prog.id, apps, users


def _do(op: str, app_id: str, pick: int, users: list[str]) -> None:
    with session_scope() as session:
        rows = repository.of_application(session, app_id)
        d = rows[pick % len(rows)]
        user = users[1] if op == "approve2" else users[0]
        if op.startswith("approve"):
            service.approve(session=session, disbursement_id=d.id, user_id=user,
                            role="finance", rail="bank_wire")
        elif op == "send":
            outcomes.send_manual(session=session, disbursement_id=d.id, user_id=user,
                                 role="finance", reference="REF-TEST")
        elif op == "confirm":
            outcomes.confirm_manual(session=session, disbursement_id=d.id, user_id=user,
                                    role="finance", reference="REF-TEST")
        elif op == "reverse":
            locked = repository.get_for_update(session, d.id)
            outcomes.end(session, locked, "failed", actor_role=STRIPE, actor_id=STRIPE)
        else:
            target = {"fail": "failed", "return": "returned", "cancel": "cancelled"}[op]
            outcomes.finance_end(session=session, disbursement_id=d.id, user_id=user,
                                 role="finance", target=target)


def _check(prog_id: str, apps: list[str]) -> None:
    with session_scope() as session:
        legs = session.exec(select(LedgerEntry).where(LedgerEntry.programme_id == prog_id)).all()
        by_movement: dict[tuple[str, str], int] = defaultdict(int)
        for leg in legs:
            by_movement[(leg.disbursement_id, leg.movement)] += leg.amount_minor
        assert all(total == 0 for total in by_movement.values())
        expected: dict[str, int] = defaultdict(int)
        rows = session.exec(select(Disbursement).where(Disbursement.programme_id == prog_id)).all()
        for d in rows:
            if d.status in WHERE:
                expected[WHERE[d.status]] += d.amount_minor
            assert ledger.account_of(session, d.id) == WHERE.get(d.status)
        b = ledger.balances(session, programme_id=prog_id, currency="EUR")
        assert (b.committed, b.sent, b.confirmed) == (
            expected["committed"], expected["in_transit"], expected["paid"])
        assert b.remaining is not None and b.remaining >= 0
        for app_id in apps:
            grant = session.get(f.Application, app_id)
            held = ledger.held_for_application(session, application_id=app_id)
            paid = sum(d.amount_minor for d in rows
                       if d.application_id == app_id and d.status == "confirmed")
            assert paid <= held <= grant.decided_amount_minor


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 2), st.integers(0, 5)),
                      min_size=1, max_size=30))
def test_ledger_balances_equal_movements(sqlite_url, steps):
    prog_id, apps, users = _world()
    for op, app_index, pick in steps:
        try:
            _do(op, apps[app_index], pick, users)
        except AmparoError:
            pass  # refused moves change nothing (checked below)
        _check(prog_id, apps)
