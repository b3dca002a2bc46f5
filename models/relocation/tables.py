"""A relocation ties a visa, a shelter placement and a travel grant of one defender."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.core.base import id_field, time_field


class Relocation(SQLModel, table=True):
    id: str = id_field()
    applicant_id: str = Field(foreign_key="applicant.id", index=True)
    visa_application_id: str | None = Field(default=None, foreign_key="application.id",
                                            unique=True)
    shelter_application_id: str | None = Field(default=None, foreign_key="application.id",
                                               unique=True)
    grant_application_id: str | None = Field(default=None, foreign_key="application.id",
                                             unique=True)
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = time_field(nullable=False, default_now=True)
