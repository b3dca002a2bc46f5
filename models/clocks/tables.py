"""One row per case-state a clock watched: when the wait began, the reminder, the escalation.

A row is made the first time the sweeper finds the wait past half its time; a case that
enters the same state again starts a new wait (another `started_at`), so another row.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.base import id_field, time_field


class WaitingClock(SQLModel, table=True):
    __tablename__ = "waiting_clock"
    __table_args__ = (UniqueConstraint("subject", "subject_id", "state", "started_at"),)
    id: str = id_field()
    subject: str = Field(max_length=16)  # application | disbursement | follow_up
    subject_id: str = Field(index=True, max_length=32)
    application_id: str = Field(index=True, max_length=32)
    state: str = Field(max_length=32)  # the clock's name (models/clocks/rules.py)
    started_at: datetime = time_field(nullable=False)
    due_at: datetime = time_field(nullable=False)
    reminded_at: datetime | None = time_field()
    escalated_at: datetime | None = time_field(index=True)
