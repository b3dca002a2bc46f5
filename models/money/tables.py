"""Disbursements, their approvals, and Stripe events (stored once by event id)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.base import id_field, json_field, time_field


class Disbursement(SQLModel, table=True):
    id: str = id_field()
    application_id: str = Field(foreign_key="application.id", index=True)
    programme_id: str = Field(foreign_key="programme.id", index=True)
    tranche: int = 1
    amount_minor: int
    currency: str = Field(max_length=3)
    rail: str | None = Field(default=None, max_length=32)
    status: str = Field(default="draft", index=True, max_length=16)
    approvals_required: int = 1
    not_before: datetime | None = time_field()  # a later tranche waits for the first
    destination_enc: str | None = Field(default=None, sa_type=Text)
    destination_index: str | None = Field(default=None, index=True, max_length=32)
    stripe_transfer_id: str | None = Field(default=None, index=True, max_length=64)
    reference_enc: str | None = Field(default=None, sa_type=Text)
    last_event_at: int | None = None  # `created` of the newest Stripe event applied
    failure_code: str | None = Field(default=None, max_length=64)
    created_at: datetime = time_field(nullable=False, default_now=True)
    approved_at: datetime | None = time_field()
    sent_at: datetime | None = time_field()
    confirmed_at: datetime | None = time_field()
    failed_at: datetime | None = time_field()
    # Added by 0002_money_ledger: attempts, set-up and compliance hold.
    retry_of: str | None = Field(default=None, max_length=32)  # the failed attempt it replaces
    prepared_by: str | None = Field(default=None, max_length=32)  # who set up rail/destination
    hold_reason: str | None = Field(default=None, max_length=32)  # a code; None = no hold
    hold_by: str | None = Field(default=None, max_length=32)
    hold_at: datetime | None = time_field()
    hold_cleared_by: str | None = Field(default=None, max_length=32)
    hold_cleared_at: datetime | None = time_field()
    cancelled_at: datetime | None = time_field()
    stripe_payout_id: str | None = Field(default=None, max_length=64)  # the payout that confirmed it
    send_started_at: datetime | None = time_field()  # a Stripe call may be in flight
    # Added by 0010_payout_details: the applicant's details the destination was taken from.
    payout_detail_id: str | None = Field(default=None, max_length=32)


class DisbursementApproval(SQLModel, table=True):
    __tablename__ = "disbursement_approval"
    __table_args__ = (UniqueConstraint("disbursement_id", "user_id"),)
    id: str = id_field()
    disbursement_id: str = Field(foreign_key="disbursement.id", index=True)
    user_id: str = Field(foreign_key="staff_user.id")
    created_at: datetime = time_field(nullable=False, default_now=True)


class StripeEvent(SQLModel, table=True):
    __tablename__ = "stripe_event"
    id: str = Field(primary_key=True, max_length=255)
    type: str = Field(max_length=64)
    created: int
    received_at: datetime = time_field(nullable=False, default_now=True)
    processed_at: datetime | None = time_field()


class Budget(SQLModel, table=True):
    """What a programme may pay out in one currency (falls back to Programme.budget_minor)."""

    __tablename__ = "money_budget"
    __table_args__ = (UniqueConstraint("programme_id", "currency"),)
    id: str = id_field()
    programme_id: str = Field(foreign_key="programme.id", index=True)
    currency: str = Field(max_length=3)
    amount_minor: int


class LedgerEntry(SQLModel, table=True):
    """One leg of a double-entry movement; the legs of a movement sum to zero.

    Accounts: `funds` (the programme's money), `committed`, `in_transit`, `paid`.
    Balances are sums of legs, never stored elsewhere.
    """

    __tablename__ = "ledger_entry"
    __table_args__ = (UniqueConstraint("disbursement_id", "movement", "account"),)
    id: str = id_field()
    movement: str = Field(max_length=16)  # committed|sent|confirmed|returned|cancelled|failed
    account: str = Field(max_length=16)
    amount_minor: int  # signed: + into the account, - out of it
    currency: str = Field(max_length=3, index=True)
    disbursement_id: str = Field(foreign_key="disbursement.id", index=True)
    application_id: str = Field(foreign_key="application.id", index=True)
    programme_id: str = Field(foreign_key="programme.id", index=True)
    actor: str = Field(max_length=64)
    created_at: datetime = time_field(nullable=False, default_now=True)


class ReconciliationReport(SQLModel, table=True):
    """A run of the Stripe reconciliation: differences as ids and codes only."""

    __tablename__ = "reconciliation_report"
    id: str = id_field()
    created_at: datetime = time_field(nullable=False, default_now=True, index=True)
    transfers_seen: int = 0
    payouts_seen: int = 0
    differences: list = json_field(default=[])
    status: str = Field(default="ok", max_length=16)  # ok | differences | error
