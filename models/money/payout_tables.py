"""Payout details given by the applicant, and changes of them after approval (issue 17).

`payout_detail.details_enc` is sealed with the applicant's data key (erasure shreds it); the
destination is searchable only through `destination_index`, an HMAC blind index of the
normalised destination (duplicates across applicants, never a plaintext comparison).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.base import id_field, time_field


class PayoutDetail(SQLModel, table=True):
    """One set of details for one rail; the newest without `replaced_at` is the current one."""

    __tablename__ = "payout_detail"
    id: str = id_field()
    application_id: str = Field(foreign_key="application.id", index=True, max_length=32)
    applicant_id: str = Field(foreign_key="applicant.id", index=True, max_length=32)
    rail: str = Field(max_length=32)
    details_enc: str | None = Field(default=None, sa_type=Text)
    destination_index: str | None = Field(default=None, index=True, max_length=32)
    source: str = Field(default="intake", max_length=16)  # intake | receipt
    created_at: datetime = time_field(nullable=False, default_now=True)
    replaced_at: datetime | None = time_field()


class PayoutChange(SQLModel, table=True):
    """Details changed after approval: the disbursement waits (`held`) for finance again."""

    __tablename__ = "payout_change"
    id: str = id_field()
    disbursement_id: str = Field(foreign_key="disbursement.id", index=True, max_length=32)
    old_detail_id: str | None = Field(default=None, max_length=32)
    new_detail_id: str = Field(max_length=32)
    created_at: datetime = time_field(nullable=False, default_now=True)
    approved_at: datetime | None = time_field()
    closed_at: datetime | None = time_field()  # approved, or the payment cancelled


class PayoutChangeApproval(SQLModel, table=True):
    __tablename__ = "payout_change_approval"
    __table_args__ = (UniqueConstraint("change_id", "user_id"),)
    id: str = id_field()
    change_id: str = Field(foreign_key="payout_change.id", index=True, max_length=32)
    user_id: str = Field(foreign_key="staff_user.id", max_length=32)
    created_at: datetime = time_field(nullable=False, default_now=True)
