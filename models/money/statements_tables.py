"""Statements finance uploads from a manual rail (a bank, a mobile-money provider) and the
lines Amparo read from them. Only what matching needs is kept: our payment reference when one
was found, the amount and currency, the disbursement it matched and how. Never the raw line
(names, phone numbers and accounts of the statement stay in the file, which is not stored).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.base import id_field, time_field


class Statement(SQLModel, table=True):
    __tablename__ = "money_statement"
    id: str = id_field()
    rail: str = Field(max_length=32)
    preset: str = Field(max_length=32)  # generic | mobile_money_mpesa | bank_wise
    content_hash: str = Field(max_length=64, unique=True)  # the same file is imported once
    line_count: int = 0
    uploaded_by: str = Field(max_length=32)
    created_at: datetime = time_field(nullable=False, default_now=True, index=True)
    confirmed_by: str | None = Field(default=None, max_length=32)
    confirmed_at: datetime | None = time_field()
    confirmed_count: int = 0


class StatementLine(SQLModel, table=True):
    __tablename__ = "money_statement_line"
    __table_args__ = (UniqueConstraint("statement_id", "line_no"),)
    id: str = id_field()
    statement_id: str = Field(foreign_key="money_statement.id", index=True)
    line_no: int
    reference: str | None = Field(default=None, max_length=16)  # ours (AMP…) or None
    amount_minor: int
    currency: str | None = Field(default=None, max_length=3)
    disbursement_id: str | None = Field(default=None, max_length=32, index=True)
    outcome: str = Field(max_length=24)  # matched | amount_differs | unknown_reference | …
