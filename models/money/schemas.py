"""What the money API takes and gives. Amounts out are decimal major units (CONTRACT.md)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from models.core.currency import to_major, to_minor_exact
from models.core.errors import Invalid
from models.money.tables import Disbursement

def major(amount_minor: int, currency: str) -> Decimal:
    return to_major(amount_minor, currency)


# A JSON number like `request.amount` (3000 = 3,000.00), exact to the minor unit.
MajorAmount = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


def minor(amount: Decimal, currency: str) -> int:
    value = to_minor_exact(amount, currency)
    if value != value.to_integral_value():
        raise Invalid("the amount has a fraction of the currency's smallest unit",
                      fields={"amount": "too many decimals for this currency"})
    return int(value)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ApproveIn(_Body):
    rail: str | None = Field(default=None, max_length=32)
    destination: str | None = Field(default=None, max_length=200)


class SetUpIn(_Body):
    rail: str = Field(max_length=32)
    destination: str | None = Field(default=None, max_length=200)


class ReferenceIn(_Body):
    reference: str = Field(min_length=1, max_length=200)


class HoldIn(_Body):
    reason: str = Field(max_length=32)


class BudgetIn(_Body):
    programme: str = Field(min_length=1, max_length=64)  # the programme's slug
    currency: str = Field(min_length=3, max_length=3)
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)


class EndIn(_Body):
    reopen: bool = True


class DisbursementOut(BaseModel):
    id: str
    application_id: str
    programme_id: str
    tranche: int
    amount: MajorAmount
    amount_minor: int
    currency: str
    rail: str | None
    status: str
    approvals_required: int
    approvals: int
    on_hold: bool
    hold_reason: str | None
    released: bool
    retry_of: str | None
    stripe_transfer_id: str | None
    failure_code: str | None
    created_at: datetime
    approved_at: datetime | None
    sent_at: datetime | None
    confirmed_at: datetime | None

    @classmethod
    def of(cls, d: Disbursement, approvals: int) -> "DisbursementOut":
        return cls(id=d.id, application_id=d.application_id, programme_id=d.programme_id,
                   tranche=d.tranche, amount=major(d.amount_minor, d.currency),
                   amount_minor=d.amount_minor, currency=d.currency, rail=d.rail,
                   status=d.status, approvals_required=d.approvals_required,
                   approvals=approvals, on_hold=bool(d.hold_reason and not d.hold_cleared_at),
                   hold_reason=d.hold_reason, released=d.not_before is not None,
                   retry_of=d.retry_of, stripe_transfer_id=d.stripe_transfer_id,
                   failure_code=d.failure_code, created_at=d.created_at,
                   approved_at=d.approved_at, sent_at=d.sent_at, confirmed_at=d.confirmed_at)
