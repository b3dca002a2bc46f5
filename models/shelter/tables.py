"""Safe houses, their nights, bed holds and placements.

Capacity is enforced by the database: one `shelter_night` row per house and night, with
CHECK (used <= capacity), changed only by guarded UPDATEs (`used + beds <= capacity`).
A closed night has capacity 0, so a booked night cannot be closed either.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Text
from sqlmodel import Field, SQLModel

from models.core.base import id_field, json_field, time_field
from models.core.crypto import aad_for, decrypt, encrypt

FEATURES = ("children", "step_free", "lgbtiq_safe", "women_only", "pets", "medical_care",
            "psychosocial_support")


class Shelter(SQLModel, table=True):
    __table_args__ = (CheckConstraint("beds >= 0", name="ck_shelter_beds"),
                      CheckConstraint("max_nights >= 1", name="ck_shelter_max_nights"))
    id: str = id_field()
    # The code name staff use and the region: sealed like the address (keyring, bound to
    # the row). A house's name or region in a stolen database could lead to it. Matching
    # compares regions after opening them, in memory, so no blind index is needed.
    name_enc: str = Field(default="", sa_type=Text)
    country: str = Field(max_length=2, index=True)
    region_enc: str = Field(default="", sa_type=Text)
    beds: int
    features: list = json_field(default=[])
    languages: list = json_field(default=[])
    max_nights: int = 120
    address_enc: str | None = Field(default=None, sa_type=Text)  # keyring, coordinators only
    contact_enc: str | None = Field(default=None, sa_type=Text)
    active: bool = True
    created_at: datetime = time_field(nullable=False, default_now=True)

    @property
    def name(self) -> str:
        return decrypt(self.name_enc, aad_for("shelter", self.id, "name")) or ""

    @property
    def region(self) -> str:
        return decrypt(self.region_enc, aad_for("shelter", self.id, "region")) or ""

    def seal_place(self, *, name: str, region: str) -> None:
        self.name_enc = encrypt(name, aad_for("shelter", self.id, "name")) or ""
        self.region_enc = encrypt(region, aad_for("shelter", self.id, "region")) or ""


class ShelterNight(SQLModel, table=True):
    __tablename__ = "shelter_night"
    __table_args__ = (CheckConstraint("used >= 0", name="ck_night_used_positive"),
                      CheckConstraint("used <= capacity", name="ck_night_no_overbooking"))
    shelter_id: str = Field(foreign_key="shelter.id", primary_key=True, max_length=32)
    night: date = Field(primary_key=True)
    capacity: int
    used: int = 0
    closed: bool = False


class ShelterHold(SQLModel, table=True):
    """Beds held for one application; expires unless a coordinator confirms it."""

    __tablename__ = "shelter_hold"
    id: str = id_field()
    application_id: str = Field(foreign_key="application.id", index=True)
    shelter_id: str = Field(foreign_key="shelter.id", index=True)
    from_date: date
    nights: int
    beds: int
    status: str = Field(default="held", index=True, max_length=16)  # held|confirmed|expired|released
    expires_at: datetime = time_field(nullable=False, index=True)
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = time_field(nullable=False, default_now=True)
    ended_at: datetime | None = time_field()


class Placement(SQLModel, table=True):
    """A confirmed stay: the hold's beds, kept until check-out."""

    __tablename__ = "shelter_placement"
    id: str = id_field()
    hold_id: str = Field(foreign_key="shelter_hold.id", unique=True)
    application_id: str = Field(foreign_key="application.id", index=True)
    shelter_id: str = Field(foreign_key="shelter.id", index=True)
    from_date: date = Field(index=True)
    to_date: date = Field(index=True)  # the morning of departure (exclusive)
    beds: int
    status: str = Field(default="confirmed", index=True, max_length=16)
    extended_nights: int = 0
    created_at: datetime = time_field(nullable=False, default_now=True)
    checked_in_at: datetime | None = time_field()
    checked_out_at: datetime | None = time_field()
