"""Who a disbursement pays, as finance's batch files and pages need it (finance only).

The applicant's payout details (issue 17, point 1) are sealed in models/money/payout*.py;
until a disbursement carries them, its destination (sealed on the row, set at approval) is
the account and the name is left for finance to fill in. Nothing here is logged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session

from models.money.stripe_rail import destination_of
from models.money.tables import Disbursement


@dataclass(frozen=True)
class Payee:
    name: str = ""
    account: str = ""  # IBAN, account number, wallet number, agent or vendor reference
    bic: str = ""

    @property
    def phone_digits(self) -> str:
        """A mobile number as bulk files want it: country code and digits, no "+"."""
        return re.sub(r"\D", "", self.account)


def payee_of(session: Session, d: Disbursement) -> Payee:  # noqa: ARG001 - payout details next
    destination = destination_of(d) if d.destination_enc else None
    return Payee(account=(destination or "").strip())


def masked(value: str | None, keep: int = 4) -> str:
    """Only the last digits: `•••• 0101` (a list never shows a whole account)."""
    text = re.sub(r"\s+", "", value or "")
    if not text:
        return ""
    if len(text) <= keep:
        return "••••"
    return "•••• " + text[-keep:]
