"""Visa cases (the defender and each family member), their checklist items and lodgings."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.base import id_field, time_field


class VisaCase(SQLModel, table=True):
    """One person's visa: member 0 is the defender, 1..n the family members travelling."""

    __tablename__ = "visa_case"
    __table_args__ = (UniqueConstraint("application_id", "member", name="uq_visa_case_member"),)
    id: str = id_field()
    application_id: str = Field(foreign_key="application.id", index=True)
    member: int = 0
    destination_country: str = Field(max_length=2)
    checklist_code: str = Field(max_length=16)  # which list of checklists.py it follows
    status: str = Field(default="documents", index=True, max_length=16)
    documents_due: date | None = Field(default=None, index=True)
    embassy_country: str | None = Field(default=None, max_length=2)  # where it is lodged
    lodged_on: date | None = None
    attempts: int = 0
    appointment_at: datetime | None = time_field(index=True)
    appointment_country: str | None = Field(default=None, max_length=2)
    valid_from: date | None = None
    valid_until: date | None = None
    refusal_reason: str | None = Field(default=None, max_length=32)  # a code, never free text
    travel_date: date | None = None
    travel_planned: date | None = None  # from the itinerary: checked against the lead time
    approved_by: str | None = Field(default=None, max_length=32)  # the panel's approval
    created_at: datetime = time_field(nullable=False, default_now=True)
    updated_at: datetime = time_field(nullable=False, default_now=True)


class VisaItem(SQLModel, table=True):
    """One document of a case's checklist, tracked from missing to accepted."""

    __tablename__ = "visa_item"
    __table_args__ = (UniqueConstraint("case_id", "code", name="uq_visa_item_code"),)
    id: str = id_field()
    case_id: str = Field(foreign_key="visa_case.id", index=True)
    code: str = Field(max_length=32)
    required: bool = True
    status: str = Field(default="missing", max_length=16)  # missing|received|accepted|rejected|waived
    document_id: str | None = Field(default=None, foreign_key="document.id")
    problem: str | None = Field(default=None, max_length=32)  # a code, e.g. expires_too_soon
    updated_at: datetime = time_field(nullable=False, default_now=True)
    reviewed_by: str | None = Field(default=None, max_length=32)


class VisaLodging(SQLModel, table=True):
    """Each time a case is lodged with an embassy: a refusal can be lodged again elsewhere."""

    __tablename__ = "visa_lodging"
    id: str = id_field()
    case_id: str = Field(foreign_key="visa_case.id", index=True)
    embassy_country: str = Field(max_length=2)
    lodged_on: date
    outcome: str | None = Field(default=None, max_length=16)  # granted|refused
    refusal_reason: str | None = Field(default=None, max_length=32)
    created_at: datetime = time_field(nullable=False, default_now=True)


class VisaApproval(SQLModel, table=True):
    """One visa-panel member's approval of a complete dossier (four eyes where staffed)."""

    __tablename__ = "visa_approval"
    __table_args__ = (UniqueConstraint("case_id", "user_id", name="uq_visa_approval_member"),)
    id: str = id_field()
    case_id: str = Field(foreign_key="visa_case.id", index=True)
    user_id: str = Field(max_length=32)
    created_at: datetime = time_field(nullable=False, default_now=True)


class VisaReason(SQLModel, table=True):
    """Why an officer rejected a case at review, or accepted despite a warning (codes only,
    never free text; each one audited too)."""

    __tablename__ = "visa_reason"
    id: str = id_field()
    application_id: str = Field(foreign_key="application.id", index=True)
    case_id: str | None = Field(default=None, foreign_key="visa_case.id", index=True)
    kind: str = Field(max_length=16)  # review_rejected | override
    warning: str | None = Field(default=None, max_length=32)  # the warning overridden
    reason: str = Field(max_length=32)
    created_by: str = Field(max_length=32)
    created_at: datetime = time_field(nullable=False, default_now=True)
