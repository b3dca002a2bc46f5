"""Input shapes of the visa area."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

from models.core.dates import CaseDate
from models.visas.checklists import REFUSAL_REASONS

Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReviewIn(_Strict):
    decision: Literal["approve", "reject"]


CaseDateCheck = TypeAdapter(CaseDate)


class ItemStateIn(_Strict):
    state: Literal["received", "accepted", "rejected", "waived"]
    problem: Annotated[str, Field(pattern=r"^[a-z_]{1,32}$")] | None = None


class LodgeIn(_Strict):
    embassy_country: Country
    lodged_on: CaseDate

    @field_validator("embassy_country")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()


class AppointmentIn(_Strict):
    at: datetime
    country: Country

    @field_validator("at")
    @classmethod
    def _utc(cls, v: datetime) -> datetime:
        v = v if v.tzinfo else v.replace(tzinfo=timezone.utc)  # forms send local UTC
        CaseDateCheck.validate_python(v.date())  # a sane window, as for every date
        return v

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()


class DecisionIn(_Strict):
    outcome: Literal["granted", "refused"]
    valid_from: CaseDate | None = None
    valid_until: CaseDate | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> "DecisionIn":
        if self.outcome == "granted":
            if not self.valid_from or not self.valid_until or self.valid_until < self.valid_from:
                raise ValueError("a granted visa needs valid_from and a later valid_until")
        elif self.reason not in REFUSAL_REASONS:
            raise ValueError("a refusal needs a reason: " + ", ".join(REFUSAL_REASONS))
        return self


class TravelIn(_Strict):
    travel_date: CaseDate
