"""Visa checklists kept as data the admin edits: one row per version of a destination's list.

A destination with no stored version follows the list in models/visas/checklists.py (the
defaults). Each saved change is a new version, kept whole with who, why and when.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.base import id_field, json_field, time_field


class VisaChecklistVersion(SQLModel, table=True):
    __tablename__ = "visa_checklist_version"
    __table_args__ = (UniqueConstraint("country", "number", name="uq_visa_checklist_number"),)
    id: str = id_field()
    country: str = Field(max_length=7, index=True)  # ISO alpha-2, or DEFAULT
    number: int
    items: list = json_field(default=[])  # [{code, text, required, who, file}] in order
    actor_id: str | None = Field(default=None, max_length=32)
    reason: str = Field(default="", max_length=500)
    created_at: datetime = time_field(nullable=False, default_now=True)
