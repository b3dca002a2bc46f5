"""Statements of the manual rails on SQLite and PostgreSQL: an import confirms exactly the
matched payments and leaves the rest; a hostile file changes nothing; finance only."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from models.core.audit import AuditEvent
from models.core.db import session_scope
from models.core.errors import Conflict, Forbidden, Invalid
from models.money import outcomes, service, statements
from models.money.batches import payment_reference
from models.money.statements_parse import MAX_BYTES, mapping_for
from models.money.statements_tables import Statement, StatementLine
from models.money.tables import Disbursement, LedgerEntry
from tests.money import factories as f

MPESA_HEAD = ("Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,"
              "Paid In,Withdrawn,Balance,Balance Confirmed,Reason Type,Other Party Info,"
              "Linked Transaction ID,A/C No.\n")


def _world(amounts=(100_000, 150_000, 200_000, 250_000), rail="mobile_money") -> dict:
    """Approved manual-rail payments: the first two also marked sent."""
    with session_scope() as session:
        prog = f.programme(session)
        a, = f.staff(session)
        ids = []
        for i, amount in enumerate(amounts):
            [d] = service.create_disbursements(session=session,
                                               application=f.grant(session, prog=prog,
                                                                   amount=amount))
            service.approve(session=session, disbursement_id=d.id, user_id=a.id,
                            role="finance", rail=rail, destination=f"+00 999 000 {i:04d}")
            if i < 2:
                outcomes.send_manual(session=session, disbursement_id=d.id, user_id=a.id,
                                     role="finance", reference=payment_reference(d.id))
            ids.append(d.id)
        return {"ids": ids, "user": a.id}


def _mpesa(lines: list[tuple[str, str]]) -> bytes:
    body = "".join(f"RCP{i:05d},2026-12-01 10:00,2026-12-01 10:00,Business Payment {ref},"
                   f"Completed,,\"{amount}\",1000.00,,Business Payment,000000 - TEST,,\n"
                   for i, (ref, amount) in enumerate(lines))
    return (MPESA_HEAD + body).encode()


def _statuses(ids: list[str]) -> list[str]:
    with session_scope() as session:
        return [session.get(Disbursement, i).status for i in ids]


def _import(content: bytes, user: str, preset: str = "mobile_money_mpesa", **mapping):
    with session_scope() as session:
        st = statements.import_statement(session, content=content,
                                         mapping=mapping_for(preset, **mapping),
                                         preset=preset, rail="mobile_money", user_id=user,
                                         role="finance")
        return st.id


def test_import_confirms_exactly_the_matched_payments(db_url):
    w = _world()
    ids = w["ids"]
    content = _mpesa([
        (payment_reference(ids[0]), "1,000.00"),          # sent, matches
        (payment_reference(ids[1]).lower(), "1600.00"),   # sent, amount differs
        (payment_reference(ids[2]).replace("-", " "), "2000.00"),  # approved, matches
        ("AMP-ZZZZ-ZZZZ", "99.00"),                       # not ours
    ]) + b"RCP9,2026-12-01,2026-12-01,Funds in,Completed,5000.00,,,,,,,\n"  # money in: skipped
    st_id = _import(content, w["user"])
    with session_scope() as session:
        rv = statements.review(session, st_id)
        assert [ln.outcome for ln in rv.lines] == ["matched", "amount_differs", "matched",
                                                   "unknown_reference"]
        assert [d.id for d in rv.missing] == [ids[3]]  # approved, not in the statement
        assert len(rv.to_confirm) == 2
        assert "Business" not in str([ln.model_dump() for ln in rv.lines])  # no raw text
    assert _statuses(ids) == ["sent", "sent", "approved", "approved"]  # import changes none
    with session_scope() as session:
        n = statements.confirm_statement(session, statement_id=st_id, user_id=w["user"],
                                         role="finance")
    assert n == 2
    assert _statuses(ids) == ["confirmed", "sent", "confirmed", "approved"]
    with session_scope() as session:  # idempotent: a second confirmation does nothing
        assert statements.confirm_statement(session, statement_id=st_id, user_id=w["user"],
                                            role="finance") == 0
        events = session.exec(select(AuditEvent.action).where(
            AuditEvent.entity_id == st_id)).all()
    assert sorted(events) == ["money.statement_confirmed", "money.statement_imported"]
    with pytest.raises(Conflict):  # the same file again
        _import(content, w["user"])


def test_bank_preset_and_generic_mapping(db_url):
    w = _world(amounts=(120_000, 130_000), rail="bank_wire")
    ids = w["ids"]
    wise = ("TransferWise ID,Date,Amount,Currency,Description,Payment Reference,"
            "Running Balance\n"
            f"TRANSFER-1,01-12-2026,-1200.00,EUR,Sent money,{payment_reference(ids[0])},0\n"
            f"TRANSFER-2,01-12-2026,-1300.00,USD,Sent money,{payment_reference(ids[1])},0\n")
    with session_scope() as session:
        st = statements.import_statement(session, content=wise.encode(),
                                         mapping=mapping_for("bank_wise"), preset="bank_wise",
                                         rail="bank_wire", user_id=w["user"], role="finance")
        assert [ln.outcome for ln in statements.lines_of(session, st.id)] == [
            "matched", "amount_differs"]  # the second is in another currency
    generic = f"ref;value\n{payment_reference(ids[1])};1.300,00\n".encode()
    with session_scope() as session:
        st = statements.import_statement(
            session, content=generic, preset="generic", rail="bank_wire", user_id=w["user"],
            role="finance", mapping=mapping_for("generic", reference="REF", amount="Value"))
        assert [ln.outcome for ln in statements.lines_of(session, st.id)] == ["matched"]


def _hostile(ids: list[str]) -> dict[str, bytes]:
    ok = _mpesa([(payment_reference(ids[0]), "1000.00")])
    row = ok.decode().splitlines()[1]
    return {
        "huge": ok + b"x" * (MAX_BYTES + 1),
        "latin-1": MPESA_HEAD.encode() + "RCP1,,,Pago señora,Completed,,1000.00,,,,,,\n"
        .encode("latin-1"),
        "utf-16": ok.decode().encode("utf-16"),
        "formula": ok + b"RCP2,,,=HYPERLINK(\"http://x.invalid\"),Completed,,1.00,,,,,,\n",
        "formula-plus": ok + b"RCP3,,,+cmd|' /C calc'!A0,Completed,,1.00,,,,,,\n",
        "formula-at": ok + b"RCP4,,,@SUM(A1),Completed,,1.00,,,,,,\n",
        "duplicate": (MPESA_HEAD + row + "\n" + row + "\n").encode(),
        "wrong-columns": b"date,who,how much\n2026-12-01,someone,1000\n",
        "bad-amount": MPESA_HEAD.encode() + b"RCP5,,,x,Completed,,lots,,,,,,\n",
        "empty": b"",
        "header-only": MPESA_HEAD.encode(),
        "binary": b"\x89PNG\r\n\x1a\n\x00\x00" + b"\x00" * 50,
    }


def test_a_hostile_statement_changes_nothing(db_url):
    w = _world(amounts=(100_000,))
    before = _statuses(w["ids"])
    for name, content in _hostile(w["ids"]).items():
        with pytest.raises(Invalid) as err:
            _import(content, w["user"])
        assert err.value.message and len(err.value.message) < 400, name
        if name in ("latin-1", "utf-16"):
            assert err.value.code == "wrong_encoding", name
        assert "señora" not in err.value.message
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(Statement)).one() == 0
        assert session.exec(select(func.count()).select_from(StatementLine)).one() == 0
    assert _statuses(w["ids"]) == before


def test_only_finance(db_url):
    w = _world(amounts=(100_000,))
    content = _mpesa([(payment_reference(w["ids"][0]), "1000.00")])
    with session_scope() as session:
        [rev] = f.staff(session, role="reviewer")
        with pytest.raises(Forbidden):
            statements.import_statement(session, content=content,
                                        mapping=mapping_for("mobile_money_mpesa"),
                                        preset="mobile_money_mpesa", rail="mobile_money",
                                        user_id=rev.id, role="reviewer")
    st_id = _import(content, w["user"])
    with session_scope() as session:
        with pytest.raises(Forbidden):
            statements.confirm_statement(session, statement_id=st_id, user_id="x",
                                         role="admin")


def test_two_finance_users_confirming_at_once_confirm_each_payment_once(db_url):
    import threading
    w = _world(amounts=(100_000, 150_000))
    content = _mpesa([(payment_reference(i), f"{a}.00") for i, a in zip(w["ids"],
                                                                         (1000, 1500))])
    st_id = _import(content, w["user"])
    counts, errors = [], []

    def confirm() -> None:
        try:
            with session_scope() as session:
                counts.append(statements.confirm_statement(
                    session, statement_id=st_id, user_id=w["user"], role="finance"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and sorted(counts) == [0, 2]
    assert _statuses(w["ids"]) == ["confirmed", "confirmed"]
    with session_scope() as session:
        legs = session.exec(select(func.count()).select_from(LedgerEntry).where(
            LedgerEntry.movement == "confirmed")).one()
    assert legs == 4  # two payments, two legs each: nothing booked twice
