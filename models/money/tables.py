"""Disbursements, their approvals, and Stripe events (stored once by event id)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.base import id_field, time_field


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
