"""Staff accounts, roles and review panels. Defenders have no account: a receipt."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.base import id_field, time_field


class Role(StrEnum):
    caseworker = "caseworker"
    reviewer = "reviewer"
    finance = "finance"
    shelter_coordinator = "shelter_coordinator"
    visa_officer = "visa_officer"
    admin = "admin"


class StaffUser(SQLModel, table=True):
    __tablename__ = "staff_user"
    id: str = id_field()
    email: str = Field(unique=True, index=True, max_length=254)
    password_hash: str
    totp_secret_enc: str
    role: str = Field(max_length=32)
    active: bool = True
    created_at: datetime = time_field(nullable=False, default_now=True)
    last_login_at: datetime | None = time_field()
    # Carried in every token and page session; logout, a reset or disabling bumps it, so
    # every earlier session of this person ends at once (api/auth.py).
    session_version: int = 0
    totp_last_step: int | None = Field(default=None, sa_type=BigInteger)  # a code is used once
    # The language of her pages and e-mails (en, es, fr, pt, ar, sw); none: her browser's.
    language: str | None = Field(default=None, max_length=8)


class Panel(SQLModel, table=True):
    id: str = id_field()
    programme_id: str = Field(foreign_key="programme.id", index=True)
    kind: str = Field(default="grant", max_length=16)
    chair_id: str | None = Field(default=None, foreign_key="staff_user.id")


class PanelMember(SQLModel, table=True):
    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("panel_id", "user_id"),)
    id: str = id_field()
    panel_id: str = Field(foreign_key="panel.id", index=True)
    user_id: str = Field(foreign_key="staff_user.id", index=True)
    on_call: bool = False
