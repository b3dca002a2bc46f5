"""Votes of panel and fast-track reviewers: one per reviewer and case, changeable until decided."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.base import id_field, time_field


class Vote(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("application_id", "reviewer_id"),)
    id: str = id_field()
    application_id: str = Field(foreign_key="application.id", index=True)
    reviewer_id: str = Field(foreign_key="staff_user.id", index=True)
    decision: str = Field(max_length=16)  # approve | reject | abstain | recuse
    amount_minor: int | None = None
    comment_enc: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = time_field(nullable=False, default_now=True)
    updated_at: datetime = time_field(nullable=False, default_now=True)
