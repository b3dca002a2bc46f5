"""100 simultaneous approvals against a budget that fits 10 approve exactly 10."""
from __future__ import annotations

import threading

from sqlmodel import select

from models.core.db import session_scope
from models.core.errors import Conflict
from models.money import ledger, service
from models.money.tables import Disbursement
from tests.money import factories as f


def test_hundred_approvals_budget_for_ten(db_url):
    with session_scope() as session:
        prog = f.programme(session, budget_minor=1_000_000)
        ids = [service.create_disbursements(
            session=session, application=f.grant(session, prog=prog, amount=100_000))[0].id
            for _ in range(100)]
        [fin] = f.staff(session)
        prog_id, fin_id = prog.id, fin.id
    barrier = threading.Barrier(100)
    refused: list[str] = []
    errors: list[BaseException] = []

    def worker(d_id: str) -> None:
        barrier.wait()
        try:
            with session_scope() as session:
                service.approve(session=session, disbursement_id=d_id, user_id=fin_id,
                                role="finance", rail="bank_wire")
        except Conflict as exc:
            refused.append(exc.code)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert not errors, errors[:3]
    assert refused == ["budget_exceeded"] * 90
    with session_scope() as session:
        approved = session.exec(select(Disbursement).where(
            Disbursement.status == "approved")).all()
        assert len(approved) == 10
        b = ledger.balances(session, programme_id=prog_id, currency="EUR")
        assert (b.committed, b.remaining) == (1_000_000, 0)
