"""Applicants and applications of all three kinds (shared core; kind details sealed).

Personal fields are sealed with the applicant's data key (`*_enc`); what rules and
statistics need (country code, threat categories, amounts) stays plain and survives erasure.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from models.core.base import id_field, json_field, time_field


class Applicant(SQLModel, table=True):
    id: str = id_field()
    data_key_wrapped: str | None = None  # None once erased: the sealed fields are gone for good
    name_enc: str | None = Field(default=None, sa_type=Text)
    email_enc: str | None = Field(default=None, sa_type=Text)
    phone_enc: str | None = Field(default=None, sa_type=Text)
    organisation_enc: str | None = Field(default=None, sa_type=Text)
    pronouns_enc: str | None = Field(default=None, sa_type=Text)
    country: str | None = Field(default=None, max_length=2)
    email_index: str | None = Field(default=None, index=True, max_length=32)
    phone_index: str | None = Field(default=None, index=True, max_length=32)
    name_index: str | None = Field(default=None, index=True, max_length=32)
    created_at: datetime = time_field(nullable=False, default_now=True)
    erased_at: datetime | None = time_field()


class Application(SQLModel, table=True):
    id: str = id_field()
    kind: str = Field(index=True, max_length=16)
    programme_id: str = Field(foreign_key="programme.id", index=True)
    applicant_id: str = Field(foreign_key="applicant.id", index=True)
    status: str = Field(index=True, max_length=32)
    language: str = Field(default="en", max_length=8)
    receipt_hash: str = Field(unique=True, max_length=64)
    submission_key: str | None = Field(default=None, unique=True, max_length=64)
    duplicate_key: str | None = Field(default=None, index=True, max_length=32)
    duplicate_of: str | None = Field(default=None, max_length=32)
    # Triage and risk: categories only, never free text.
    threat_types: list = json_field(default=[])
    threat_imminent: bool = False
    perpetrator: str | None = Field(default=None, max_length=32)
    prior_attacks: int = 0
    dependants: int = 0
    endorser_present: bool = False
    ineligible_reason: str | None = Field(default=None, max_length=64)
    risk_level: str | None = Field(default=None, index=True, max_length=16)
    risk_score: int | None = None
    risk_factors: list = json_field(default=[])
    priority: int = Field(default=5, index=True)  # 0 = critical ... lower first
    track: str | None = Field(default=None, max_length=16)  # panel | fast_track
    programme_version: int | None = None  # the programme's rules it was routed under
    # Money asked and decided, minor units of `currency`.
    currency: str | None = Field(default=None, max_length=3)
    amount_minor: int | None = None
    decided_amount_minor: int | None = None
    details_enc: str | None = Field(default=None, sa_type=Text)  # sealed kind-specific JSON
    submitted_at: datetime = time_field(nullable=False, default_now=True)
    updated_at: datetime = time_field(nullable=False, default_now=True)
    status_changed_at: datetime = time_field(nullable=False, default_now=True)
    decision_due_at: datetime | None = time_field(index=True)
    clock_paused_at: datetime | None = time_field()
    reminder_sent_at: datetime | None = time_field()
    escalated_at: datetime | None = time_field()
    decided_at: datetime | None = time_field()


class ApplicantMessage(SQLModel, table=True):
    """A public message the applicant sees with the receipt: a catalogue code, no free text."""

    __tablename__ = "applicant_message"
    id: str = id_field()
    application_id: str = Field(foreign_key="application.id", index=True)
    code: str = Field(max_length=64)
    params: dict = json_field(default={})
    created_at: datetime = time_field(nullable=False, default_now=True)


class InfoRequest(SQLModel, table=True):
    """Staff ask the applicant for more information; the clock pauses until the answer."""

    __tablename__ = "info_request"
    id: str = id_field()
    application_id: str = Field(foreign_key="application.id", index=True)
    asked_by: str | None = Field(default=None, foreign_key="staff_user.id")
    question_enc: str | None = Field(default=None, sa_type=Text)
    answer_enc: str | None = Field(default=None, sa_type=Text)
    resume_status: str = Field(max_length=32)
    asked_at: datetime = time_field(nullable=False, default_now=True)
    answered_at: datetime | None = time_field()


class Document(SQLModel, table=True):
    """An uploaded file, stored encrypted under the data directory."""

    id: str = id_field()
    application_id: str = Field(foreign_key="application.id", index=True)
    purpose: str = Field(max_length=32)  # report, info_answer, visa_item, proof_of_payment...
    ref_id: str | None = Field(default=None, max_length=32)
    filename_enc: str | None = Field(default=None, sa_type=Text)
    mime: str = Field(max_length=64)
    size: int
    created_at: datetime = time_field(nullable=False, default_now=True)


class FollowUp(SQLModel, table=True):
    __tablename__ = "follow_up"
    id: str = id_field()
    application_id: str = Field(foreign_key="application.id", index=True)
    kind: str = Field(max_length=16)  # checkin | report
    due_at: datetime = time_field(nullable=False, index=True)
    status: str = Field(default="scheduled", max_length=16)  # scheduled | done | overdue
    done_at: datetime | None = time_field()
    document_id: str | None = Field(default=None, foreign_key="document.id")
    flagged_at: datetime | None = time_field()


class SubmissionReceipt(SQLModel, table=True):
    """A double submit shows the same receipt again without storing it in clear.

    The receipt is sealed with a key derived from the browser's submission token (which only
    that browser holds) and the server secret; rows are pruned after a day.
    """

    __tablename__ = "submission_receipt"
    application_id: str = Field(foreign_key="application.id", primary_key=True, max_length=32)
    receipt_sealed: str = Field(sa_type=Text)
    created_at: datetime = time_field(nullable=False, default_now=True, index=True)
