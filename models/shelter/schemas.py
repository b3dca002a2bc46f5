"""Input and output shapes of the shelter area (API and pages share them)."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models.core.dates import CaseDate, StayStart
from models.shelter.tables import FEATURES

LANGS = ("en", "es", "fr", "pt", "ar", "sw")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ShelterIn(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]
    region: Annotated[str, Field(min_length=1, max_length=100)]
    beds: Annotated[int, Field(ge=1, le=500)]
    features: list[str] = Field(default_factory=list, max_length=len(FEATURES))
    languages: list[str] = Field(default_factory=list, max_length=len(LANGS))
    max_nights: Annotated[int, Field(ge=1, le=730)] = 120
    address: Annotated[str, Field(max_length=500)] | None = None
    contact: Annotated[str, Field(max_length=200)] | None = None

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()

    @field_validator("features")
    @classmethod
    def _known_features(cls, v: list[str]) -> list[str]:
        unknown = [f for f in v if f not in FEATURES]
        if unknown:
            raise ValueError("unknown feature; use: " + ", ".join(FEATURES))
        return sorted(set(v))

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, v: list[str]) -> list[str]:
        if any(lang not in LANGS for lang in v):
            raise ValueError("unknown language; use: " + ", ".join(LANGS))
        return sorted(set(v))


class HoldIn(_Strict):
    shelter_id: Annotated[str, Field(min_length=1, max_length=32)]
    from_date: StayStart
    nights: Annotated[int, Field(ge=1, le=730)]
    beds: Annotated[int, Field(ge=1, le=50)]


class ExtendIn(_Strict):
    nights: Annotated[int, Field(ge=1, le=365)]


class CheckOutIn(_Strict):
    on_date: CaseDate | None = None  # default today: nights after it are freed


class ClosedNightsIn(_Strict):
    from_date: StayStart
    to_date: CaseDate  # exclusive
    closed: bool = True

    @model_validator(mode="after")
    def _ordered(self) -> "ClosedNightsIn":
        if self.to_date <= self.from_date or (self.to_date - self.from_date).days > 366:
            raise ValueError("to_date must follow from_date, within a year")
        return self


class HoldOut(BaseModel):
    id: str
    expires_at: str


class MatchOut(BaseModel):
    shelter_id: str
    name: str
    score: int
    min_free: int
    reasons: list[str]
