"""The money ledger: every movement two legs that sum to zero, balances derived by summing.

Accounts per programme and currency: `funds` (what the programme holds), `committed`
(approved, not yet sent), `in_transit` (sent, not yet confirmed), `paid` (confirmed).
A movement moves a disbursement's whole amount from one account to another:

    committed  funds -> committed          sent       committed -> in_transit
    confirmed  in_transit -> paid          cancelled  committed -> funds
    returned   in_transit|paid -> funds    failed     committed|in_transit|paid -> funds

A unique (disbursement, movement, account) constraint makes a repeated movement impossible.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.money.tables import Budget, Disbursement, LedgerEntry
from models.programmes.tables import Programme

FUNDS, COMMITTED, IN_TRANSIT, PAID = "funds", "committed", "in_transit", "paid"
ACCOUNTS = (FUNDS, COMMITTED, IN_TRANSIT, PAID)
HELD = (COMMITTED, IN_TRANSIT, PAID)  # money out of the budget

# movement -> (from account, to account); "where it is now" for the ones that return money.
FIXED = {"committed": (FUNDS, COMMITTED), "sent": (COMMITTED, IN_TRANSIT),
         "confirmed": (IN_TRANSIT, PAID), "cancelled": (COMMITTED, FUNDS)}
RETURNING = ("returned", "failed")


def post(session: Session, *, disbursement: Disbursement, movement: str, actor: str) -> None:
    """Book one movement of the disbursement's amount (in the caller's transaction)."""
    if movement in FIXED:
        source, target = FIXED[movement]
    elif movement in RETURNING:
        source, target = account_of(session, disbursement.id), FUNDS
        if source is None or source == FUNDS:
            return  # nothing held: nothing to give back
    else:
        raise ValueError(f"unknown movement {movement}")
    for account, sign in ((source, -1), (target, 1)):
        session.add(LedgerEntry(
            movement=movement, account=account, amount_minor=sign * disbursement.amount_minor,
            currency=disbursement.currency, disbursement_id=disbursement.id,
            application_id=disbursement.application_id,
            programme_id=disbursement.programme_id, actor=actor))
    session.flush()


def account_of(session: Session, disbursement_id: str) -> str | None:
    """The held account where this disbursement's money sits now (None when not held)."""
    rows = session.exec(
        select(LedgerEntry.account, func.sum(LedgerEntry.amount_minor))
        .where(LedgerEntry.disbursement_id == disbursement_id,
               col(LedgerEntry.account).in_(HELD))
        .group_by(LedgerEntry.account)).all()
    held = [acc for acc, total in rows if total]
    return held[0] if held else None


@dataclass(frozen=True)
class Balances:
    currency: str
    committed: int
    sent: int
    confirmed: int
    budget: int | None

    @property
    def held(self) -> int:
        return self.committed + self.sent + self.confirmed

    @property
    def remaining(self) -> int | None:
        return None if self.budget is None else self.budget - self.held


def _sums(session: Session, *filters) -> dict[str, int]:  # type: ignore[no-untyped-def]
    rows = session.exec(select(LedgerEntry.account, func.sum(LedgerEntry.amount_minor))
                        .where(*filters).group_by(LedgerEntry.account)).all()
    return {acc: int(total or 0) for acc, total in rows}


def balances(session: Session, *, programme_id: str, currency: str) -> Balances:
    sums = _sums(session, LedgerEntry.programme_id == programme_id,
                 LedgerEntry.currency == currency)
    return Balances(currency, sums.get(COMMITTED, 0), sums.get(IN_TRANSIT, 0),
                    sums.get(PAID, 0), budget_of(session, programme_id=programme_id,
                                                 currency=currency))


def held_for_application(session: Session, *, application_id: str) -> int:
    """Money committed, sent or confirmed for one grant (the cap check)."""
    sums = _sums(session, LedgerEntry.application_id == application_id)
    return sum(sums.get(acc, 0) for acc in HELD)


def budget_row(session: Session, *, programme_id: str, currency: str) -> Budget | None:
    return session.exec(select(Budget).where(Budget.programme_id == programme_id,
                                             Budget.currency == currency)).first()


def budget_currencies(session: Session, *, programme_id: str) -> set[str]:
    return set(session.exec(select(Budget.currency)
                            .where(Budget.programme_id == programme_id)).all())


def budget_of(session: Session, *, programme_id: str, currency: str) -> int | None:
    """The budget row for this currency, else the programme's own budget in its currency."""
    row = budget_row(session, programme_id=programme_id, currency=currency)
    if row is not None:
        return row.amount_minor
    programme = session.get(Programme, programme_id)
    if programme is not None and programme.currency == currency:
        return programme.budget_minor
    return None


def totals(session: Session) -> list[tuple[str, str, int]]:
    """(currency, account, balance) over everything, for the finance pages."""
    rows = session.exec(select(LedgerEntry.currency, LedgerEntry.account,
                               func.sum(LedgerEntry.amount_minor))
                        .group_by(LedgerEntry.currency, LedgerEntry.account)).all()
    return [(c, a, int(t or 0)) for c, a, t in rows]
