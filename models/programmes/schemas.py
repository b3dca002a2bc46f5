"""Input shapes of the programmes API (CONTRACT.md "Programmes, panels and staff").

Field-by-field checks live here; the checks that need two fields or the database (the
decision clocks in order, a quorum the panel can reach, amounts in the currency's decimals)
are in `service.check_rules`, run on the whole rules a change would produce.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any

from babel import Locale
from babel.numbers import list_currencies
from pydantic import BaseModel, ConfigDict, Field, field_validator

KINDS = ("grant", "shelter", "visa")
LEVELS = ("critical", "high", "medium", "low")
SLUG_PATTERN = r"^[a-z0-9-]{2,40}$"
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ"}  # CLDR territories that are not countries


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    return frozenset(list_currencies())


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    return frozenset(code for code in Locale("en").territories
                     if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES)


Amount = Annotated[Decimal, Field(gt=0, max_digits=15, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DecisionHours(_Strict):
    critical: Annotated[int, Field(gt=0, le=24 * 365)]
    high: Annotated[int, Field(gt=0, le=24 * 365)]
    medium: Annotated[int, Field(gt=0, le=24 * 365)]
    low: Annotated[int, Field(gt=0, le=24 * 365)]


class _Rules(_Strict):
    """Every rule a programme has, each optional (a PATCH sends some)."""
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    currency: str | None = None
    cap: Amount | None = None
    kinds: Annotated[list[str], Field(min_length=1, max_length=3)] | None = None
    quorum: Annotated[int, Field(ge=1, le=100)] | None = None
    fast_track_approvals: Annotated[int, Field(ge=1, le=100)] | None = None
    finance_single_approval_max: Amount | None = None
    tranche_above: Amount | None = None          # null: never in tranches
    tranche_first_percent: Annotated[int, Field(ge=1, le=100)] | None = None
    decision_hours: DecisionHours | None = None
    countries: Annotated[list[str], Field(max_length=300)] | None = None  # null: any country
    followup_days: Annotated[list[Annotated[int, Field(ge=1, le=3650)]],
                             Field(max_length=20)] | None = None
    report_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    excluded_costs: Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]],
                              Field(max_length=50)] | None = None
    risk_weights: dict[str, Any] | None = None
    hold_hours: Annotated[int, Field(ge=1, le=24 * 60)] | None = None
    clock_hours: dict[str, Annotated[int, Field(ge=1, le=24 * 365)]] | None = None  # waiting clocks
    duplicate_window_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    budget: Amount | None = None                 # null: no budget limit
    payout_rails: Annotated[list[str], Field(min_length=1, max_length=6)] | None = None
    active: bool | None = None

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, v: str | None) -> str | None:
        if v is None:
            return v
        code = v.upper()
        if len(code) != 3 or code not in currencies():
            raise ValueError("not an ISO 4217 currency code")
        return code

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return v
        unknown = [k for k in v if k not in KINDS]
        if unknown:
            raise ValueError("unknown kind; use: " + ", ".join(KINDS))
        return [k for k in KINDS if k in v]

    @field_validator("countries")
    @classmethod
    def _known_countries(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return v
        codes = [c.upper() for c in v]
        unknown = [c for c in codes if c not in countries()]
        if unknown:
            raise ValueError("not ISO 3166 alpha-2 country codes: " + ", ".join(unknown[:5]))
        return sorted(set(codes))

    @field_validator("clock_hours")
    @classmethod
    def _known_clocks(cls, v: dict[str, int] | None) -> dict[str, int] | None:
        from models.programmes.tables import DEFAULT_CLOCK_HOURS
        unknown = sorted(set(v or {}) - set(DEFAULT_CLOCK_HOURS))
        if unknown:
            raise ValueError("unknown clock; use: " + ", ".join(DEFAULT_CLOCK_HOURS))
        return v

    @field_validator("payout_rails")
    @classmethod
    def _known_rails(cls, v: list[str] | None) -> list[str] | None:
        from models.money.payout_rules import RAIL_FIELDS
        if v is None:
            return v
        unknown = [r for r in v if r not in RAIL_FIELDS]
        if unknown:
            raise ValueError("unknown rail; use: " + ", ".join(RAIL_FIELDS))
        return [r for r in RAIL_FIELDS if r in v]

    @field_validator("followup_days")
    @classmethod
    def _sorted_days(cls, v: list[int] | None) -> list[int] | None:
        return sorted(set(v)) if v is not None else v


class ProgrammeIn(_Rules):
    """POST: slug, name, currency, cap and kinds are required; the rest has defaults."""
    slug: Annotated[str, Field(pattern=SLUG_PATTERN)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    currency: str
    cap: Amount
    kinds: Annotated[list[str], Field(min_length=1, max_length=3)]


class ProgrammePatch(_Rules):
    """PATCH: any rules, and why (kept with the new version)."""
    reason: Annotated[str, Field(min_length=1, max_length=500)]


class PanelMemberIn(_Strict):
    staff_id: Annotated[str, Field(min_length=1, max_length=32)]
    on_call: bool = False
    chair: bool = False


class PanelIn(_Strict):
    members: Annotated[list[PanelMemberIn], Field(max_length=100)]
