"""The last known state of a background job (the sweep, a key rotation), one row per job."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.core.base import time_field


class OperationState(SQLModel, table=True):
    __tablename__ = "operation_state"

    name: str = Field(primary_key=True, max_length=32)        # "sweep", "rotation"
    status: str = Field(default="idle", max_length=16)        # queued|running|done|failed|ok
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    started_at: datetime | None = time_field()
    updated_at: datetime = time_field(nullable=False, default_now=True)
