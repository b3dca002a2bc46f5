"""A programme holds every number a fund decides: caps, clocks, panel and money rules."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core.base import id_field, json_field, time_field

DEFAULT_DECISION_HOURS = {"critical": 24, "high": 72, "medium": 168, "low": 336}
# Waiting clocks (models/clocks): hours a case may wait in each state before it is escalated;
# a reminder goes at half time. `in_review` is the decision clock above.
DEFAULT_CLOCK_HOURS = {
    "triage": 24, "needs_info": 168, "matching": 48, "held": 24, "confirmed": 72,
    "visa_documents": 336, "visa_lodged": 720, "visa_appointment": 336, "visa_granted": 168,
    "visa_refused": 168, "visa_travel": 336, "money_unsent": 72, "follow_up": 168,
    "on_call": 4,  # a fast-track case's hours with the on-call reviewers only (reviews/reach.py)
    "critical_waits": 24,  # a critical case's longest wait of the fund's or hers (clocks/rules.py)
}
DEFAULT_DUPLICATE_WINDOW_DAYS = 365
DEFAULT_RISK_WEIGHTS = {
    "threat_type": {"death_threat": 30, "sexual_violence": 30, "physical_attack": 25,
                    "raid": 20, "family_threat": 20, "criminalisation": 15,
                    "surveillance": 10, "smear_campaign": 5, "online_harassment": 5,
                    "other": 5},
    "imminent": 25,
    "perpetrator": {"state": 15, "non_state_armed": 20, "corporate": 10,
                    "family_or_community": 10, "unknown": 5},
    "prior_attack_each": 5, "prior_attacks_max": 20,
    "dependant_each": 2, "dependants_max": 10,
    "country": {},
    "levels": {"critical": 70, "high": 45, "medium": 25},
}


class Programme(SQLModel, table=True):
    id: str = id_field()
    slug: str = Field(unique=True, index=True, max_length=64)
    name: str = Field(max_length=200)
    currency: str = Field(max_length=3)
    cap_minor: int
    kinds: list = json_field(default=[])
    decision_hours: dict = json_field(default={})
    quorum: int = 3
    fast_track_approvals: int = 2
    finance_threshold_minor: int = 500_000   # one approval up to this, two above
    tranche_threshold_minor: int | None = 600_000
    tranche_first_percent: int = 50
    followup_days: list = json_field(default=[])
    report_days: int = 90
    excluded_costs: list = json_field(default=[])
    risk_weights: dict = json_field(default={})
    hold_hours: int = 24
    budget_minor: int | None = None
    countries: list | None = json_field(default=None)  # ISO alpha-2 served; None: any
    # The payout rails this programme offers (models/money/payout_rules.py); None: every rail
    # her country has. Issue 17: "the rails her programme offers in her country".
    payout_rails: list | None = json_field(default=None)
    clock_hours: dict = json_field(default={})  # state -> hours; missing: DEFAULT_CLOCK_HOURS
    duplicate_window_days: int = DEFAULT_DUPLICATE_WINDOW_DAYS
    active: bool = True
    version: int = 1  # the number of the current rules (ProgrammeVersion)
    created_at: datetime = time_field(nullable=False, default_now=True)


class ProgrammeVersion(SQLModel, table=True):
    """Every version of a programme's rules, whole, with who changed them, why and when."""
    __tablename__ = "programme_version"
    __table_args__ = (UniqueConstraint("programme_id", "number"),)
    id: str = id_field()
    programme_id: str = Field(foreign_key="programme.id", index=True, max_length=32)
    number: int
    rules: dict = json_field(default={})
    actor_id: str | None = Field(default=None, max_length=32)  # None: the system (seed)
    reason: str = Field(default="", max_length=500)
    created_at: datetime = time_field(nullable=False, default_now=True)
