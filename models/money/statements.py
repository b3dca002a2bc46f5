"""Reconciliation for the manual rails: a statement finance uploads, matched to disbursements
by our payment reference and the amount, then the matched ones confirmed in one step.

`import_statement` reads the whole file first (statements_parse refuses hostile files), then
stores one Statement and its lines (reference, amount, outcome — never the raw line). The
same file twice is refused. `confirm_statement` confirms, under the statement's row lock, each
matched disbursement still approved or sent (the legal moves approved → sent → confirmed of
models/money/workflow.py, each audited); a second call changes nothing.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, col, select

from models.core import audit
from models.core.base import utcnow
from models.core.currency import to_minor_exact
from models.core.db import lock
from models.core.errors import Conflict, Forbidden, Invalid, NotFound
from models.money import outcomes, repository
from models.money.batches import payment_reference, reference_tokens
from models.money.statements_parse import Line, Mapping, Refused, parse
from models.money.statements_tables import Statement, StatementLine
from models.money.tables import Disbursement
from models.money.workflow import APPROVED, CONFIRMED, MANUAL_RAILS, SENT

FINANCE = "finance"
MATCHED, DIFFERS, UNKNOWN = "matched", "amount_differs", "unknown_reference"
TWICE, DONE, NOT_PAYABLE = "reference_twice", "already_confirmed", "not_payable"
OUTCOMES = (MATCHED, DIFFERS, UNKNOWN, TWICE, DONE, NOT_PAYABLE)


def _finance(role: str) -> None:
    if role != FINANCE:
        raise Forbidden("only finance staff may do this")


def _candidates(session: Session) -> dict[str, Disbursement]:
    """Manual-rail money that a statement may show, by payment reference."""
    rows = session.exec(select(Disbursement).where(
        col(Disbursement.rail).in_(MANUAL_RAILS),
        col(Disbursement.status).in_((APPROVED, SENT, CONFIRMED))).limit(50_000)).all()
    return {payment_reference(d.id): d for d in rows}


def _outcome(line: Line, d: Disbursement | None, twice: bool) -> tuple[str, int]:
    currency = (d.currency if d else None) or line.currency or "EUR"
    exact = to_minor_exact(line.amount, currency)
    if exact != exact.to_integral_value():
        raise Refused("Line %(line)s: the amount has more decimals than %(currency)s has.",
                      "bad_amount", line=line.line_no, currency=currency)
    amount = int(exact)
    if d is None:
        return UNKNOWN, amount
    if twice:
        return TWICE, amount
    if d.status == CONFIRMED:
        return DONE, amount
    if d.status not in (APPROVED, SENT) or (d.hold_reason and not d.hold_cleared_at):
        return NOT_PAYABLE, amount
    if amount != d.amount_minor or (line.currency and line.currency != d.currency):
        return DIFFERS, amount
    return MATCHED, amount


def import_statement(session: Session, *, content: bytes, mapping: Mapping, preset: str,
                     rail: str, user_id: str, role: str) -> Statement:
    _finance(role)
    if rail not in MANUAL_RAILS:
        raise Invalid("choose the rail of the statement", fields={"rail": "a manual rail"})
    parsed = parse(content, mapping)  # raises before anything is written
    digest = hashlib.sha256(content).hexdigest()
    if session.exec(select(Statement).where(Statement.content_hash == digest)).first():
        raise Conflict("This statement was imported already; open it in the list below.",
                       code="statement_seen")
    known = _candidates(session)
    found = [next((t for t in reference_tokens(ln.text) if t in known), None)
             for ln in parsed.lines]
    counts = Counter(r for r in found if r)
    statement = Statement(rail=rail, preset=preset, content_hash=digest,
                          line_count=len(parsed.lines), uploaded_by=user_id)
    session.add(statement)
    session.flush()
    for ln, ref in zip(parsed.lines, found):
        d = known.get(ref) if ref else None
        outcome, amount = _outcome(ln, d, twice=bool(ref and counts[ref] > 1))
        session.add(StatementLine(statement_id=statement.id, line_no=ln.line_no,
                                  reference=ref, amount_minor=amount,
                                  currency=ln.currency or (d.currency if d else None),
                                  disbursement_id=d.id if d else None, outcome=outcome))
    audit.record(session, actor=user_id, action="money.statement_imported",
                 entity="statement", entity_id=statement.id,
                 data={"rail": rail, "preset": preset, "lines": len(parsed.lines),
                       "skipped": parsed.skipped,
                       "outcomes": dict(Counter(_outcome_names(session, statement.id)))})
    return statement


def _outcome_names(session: Session, statement_id: str) -> list[str]:
    session.flush()
    return [ln.outcome for ln in lines_of(session, statement_id)]


def lines_of(session: Session, statement_id: str) -> list[StatementLine]:
    return list(session.exec(select(StatementLine)
                             .where(StatementLine.statement_id == statement_id)
                             .order_by(StatementLine.line_no)).all())


def get(session: Session, statement_id: str) -> Statement:
    row = session.get(Statement, statement_id)
    if row is None:
        raise NotFound("unknown statement")
    return row


def latest(session: Session, limit: int = 20) -> list[Statement]:
    return list(session.exec(select(Statement).order_by(col(Statement.created_at).desc())
                             .limit(limit)).all())


@dataclass
class Review:
    """A statement as finance reads it: lines by outcome, and our money it does not show."""

    statement: Statement
    lines: list[StatementLine]
    disbursements: dict[str, Disbursement]
    missing: list[Disbursement]  # sent (or approved) on this rail, absent from the statement

    def of(self, outcome: str) -> list[StatementLine]:
        return [ln for ln in self.lines if ln.outcome == outcome]

    @property
    def to_confirm(self) -> list[StatementLine]:
        return [ln for ln in self.of(MATCHED)
                if self.disbursements[ln.disbursement_id or ""].status in (APPROVED, SENT)]


def review(session: Session, statement_id: str) -> Review:
    st = get(session, statement_id)
    lines = lines_of(session, st.id)
    ids = [ln.disbursement_id for ln in lines if ln.disbursement_id]
    found = {d.id: d for d in session.exec(select(Disbursement).where(
        col(Disbursement.id).in_(ids))).all()} if ids else {}
    missing = [d for d in session.exec(select(Disbursement).where(
        Disbursement.rail == st.rail, col(Disbursement.status).in_((APPROVED, SENT)),
        col(Disbursement.approved_at) <= st.created_at)
        .order_by(col(Disbursement.approved_at))).all() if d.id not in found]
    return Review(statement=st, lines=lines, disbursements=found, missing=missing)


def confirm_statement(session: Session, *, statement_id: str, user_id: str,
                      role: str) -> int:
    """Confirm every matched payment still approved or sent; how many were confirmed now.
    Idempotent: a statement confirmed once is never confirmed again."""
    _finance(role)
    st = lock(session, Statement, statement_id)
    if st is None:
        raise NotFound("unknown statement")
    if st.confirmed_at is not None:
        return 0
    done = 0
    for ln in lines_of(session, st.id):
        if ln.outcome != MATCHED or not ln.disbursement_id:
            continue
        d = repository.get_for_update(session, ln.disbursement_id)
        if d.status not in (APPROVED, SENT) or d.amount_minor != ln.amount_minor:
            continue  # confirmed meanwhile, or ended: nothing to do for this line
        outcomes.confirm_manual(session=session, disbursement_id=d.id, user_id=user_id,
                                role=role, reference=payment_reference(d.id))
        done += 1
    st.confirmed_at, st.confirmed_by, st.confirmed_count = utcnow(), user_id, done
    session.add(st)
    audit.record(session, actor=user_id, action="money.statement_confirmed",
                 entity="statement", entity_id=st.id, data={"confirmed": done})
    return done
