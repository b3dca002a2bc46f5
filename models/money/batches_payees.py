"""Who a disbursement pays, as finance's batch files and pages need it (finance only).

The applicant's payout details (sealed, models/money/payout*.py) give the structured fields
(name, IBAN, BIC, phone) when the approval took hers; otherwise the destination finance typed
at approval (sealed on the row) is the account and the name is left for finance to fill in.
Lists show the number's last digits only (`payout_rules.masked`). Nothing here is logged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from models.money import payout
from models.money.payout_rules import masked
from models.money.payout_store import fields_of
from models.money.payout_tables import PayoutDetail
from models.money.stripe_rail import destination_of
from models.money.tables import Disbursement

NUMBER_KEYS = ("iban", "account_number", "phone", "account", "invoice_reference")
NAME_KEYS = ("account_name", "pickup_name", "vendor_name", "partner")

__all__ = ["Payee", "payee_of", "masked", "masked_destination", "destination_for_finance"]


@dataclass(frozen=True)
class Payee:
    name: str = ""
    account: str = ""  # IBAN, account number, wallet number, agent or vendor reference
    bic: str = ""
    destination: str = ""  # the one-line destination on the disbursement

    @property
    def phone_digits(self) -> str:
        """A mobile number as bulk files want it: country code and digits, no "+"."""
        return re.sub(r"\D", "", self.account)


def payee_of(session: Session, d: Disbursement) -> Payee:
    destination = (destination_of(d) if d.destination_enc else None) or ""
    detail = session.get(PayoutDetail, d.payout_detail_id) if d.payout_detail_id else None
    fields = (fields_of(session, detail) or {}) if detail and detail.rail == d.rail else {}
    if not fields:
        return Payee(account=destination.strip(), destination=destination)
    return Payee(name=next((fields[k] for k in NAME_KEYS if fields.get(k)), ""),
                 account=next((fields[k] for k in NUMBER_KEYS if fields.get(k)), ""),
                 bic=fields.get("bic", ""), destination=destination)


def masked_destination(session: Session, d: Disbursement) -> str:
    """The destination as lists show it: the last digits of its number only."""
    if not d.destination_enc:
        return ""
    return masked(re.sub(r"\s+", "", payee_of(session, d).account))  # "+00 999 …" is one number


def destination_for_finance(session: Session, d: Disbursement) -> dict[str, Any] | None:
    """The whole destination, her fields, duplicates and an open change, for the one
    disbursement page finance opens."""
    if not d.destination_enc and not d.payout_detail_id:
        return None
    return payout.destination_for_finance(session, d)
