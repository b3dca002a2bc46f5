"""Programme rules read by every area: look-ups and the demo programme of CONTRACT.md."""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
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


@dataclass(frozen=True)
class ProgrammeFacts:
    """The few facts intake reads of a programme (read-only: shared between requests)."""
    id: str
    kinds: tuple[str, ...]
    risk_weights: dict[str, Any]


# Programmes are seeded configuration read on every intake: keep their facts a short while.
# Writes through the ORM in this process clear the cache at once (listeners below); other
# processes see a change within FACTS_TTL_SECONDS.
FACTS_TTL_SECONDS = 30.0
_facts: dict[tuple[Any, str], tuple[float, ProgrammeFacts]] = {}


def programme_facts(session: Session, slug: str | None) -> ProgrammeFacts:
    """Like `programme_by_slug` (NotFound when unknown or inactive), from a short cache."""
    key = (session.get_bind().url, slug or DEFAULT_SLUG)  # per database: tests use many
    hit = _facts.get(key)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    programme = programme_by_slug(session, slug)
    facts = ProgrammeFacts(id=programme.id, kinds=tuple(programme.kinds or ()),
                           risk_weights=copy.deepcopy(programme.risk_weights or {}))
    _facts[key] = (now + FACTS_TTL_SECONDS, facts)
    return facts


def forget_programmes(*_: Any) -> None:
    """Drop the cached programme facts (called on every programme write in this process)."""
    _facts.clear()


for _name in ("after_insert", "after_update", "after_delete"):
    event.listen(Programme, _name, forget_programmes)


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
