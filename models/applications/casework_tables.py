"""The caseworker's notes on a case (issue 15): sealed with the applicant's data key, so
erasure shreds them with the rest of her data (models/sealed.py DATA_KEY).

`kind` says why a note exists: a plain note, the reason of an override, a withdrawal or a
closure, what a check-in found, the report recorded by staff. The text is never in the
audit chain (only the note's id is).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from models.core.base import id_field, time_field


class CaseNote(SQLModel, table=True):
    __tablename__ = "case_note"
    id: str = id_field()
    application_id: str = Field(foreign_key="application.id", index=True)
    author_id: str | None = Field(default=None, foreign_key="staff_user.id")
    kind: str = Field(default="note", max_length=32)
    ref_id: str | None = Field(default=None, max_length=32)  # e.g. the follow-up it records
    text_enc: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = time_field(nullable=False, default_now=True)
