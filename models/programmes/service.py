"""Programme rules read by every area: look-ups and the demo programme of CONTRACT.md."""
from __future__ import annotations

from sqlmodel import Session, select

from models.core.errors import NotFound
from models.programmes.tables import DEFAULT_DECISION_HOURS, DEFAULT_RISK_WEIGHTS, Programme

DEFAULT_SLUG = "emergency"


def programme_by_slug(session: Session, slug: str | None) -> Programme:
    programme = session.exec(select(Programme).where(
        Programme.slug == (slug or DEFAULT_SLUG), Programme.active == True)).first()  # noqa: E712
    if programme is None:
        raise NotFound("unknown programme", fields={"programme": "unknown programme"})
    return programme


def demo_programme() -> Programme:
    """CONTRACT.md: EUR, cap 10,000; quorum 3; fast track on 2; one approval up to 5,000;
    tranches above 6,000 with 50% first."""
    return Programme(
        slug=DEFAULT_SLUG, name="Emergency protection grants", currency="EUR",
        cap_minor=1_000_000, kinds=["grant", "shelter", "visa"],
        decision_hours=dict(DEFAULT_DECISION_HOURS), quorum=3, fast_track_approvals=2,
        finance_threshold_minor=500_000, tranche_threshold_minor=600_000,
        tranche_first_percent=50, followup_days=[7, 30], report_days=90,
        excluded_costs=["salaries", "rent", "armed_guards", "vehicles", "retrospective"],
        risk_weights=DEFAULT_RISK_WEIGHTS, hold_hours=24, budget_minor=50_000_000,
    )


def ensure_programme(session: Session, programme: Programme) -> Programme:
    existing = session.exec(select(Programme).where(Programme.slug == programme.slug)).first()
    if existing:
        return existing
    session.add(programme)
    session.flush()
    return programme
