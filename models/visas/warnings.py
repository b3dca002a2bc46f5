"""Warnings on a visa case that block acceptance until an officer overrides them with a
reason (codes, audited): an expired passport, one too short for the stay, a journey planned
too soon for the embassy's lead time.

Lead time: the Schengen Visa Code (art. 9) has an application lodged no later than 15
calendar days before the intended journey; a passport must stay valid at least 6 months
after the arrival (DOMAIN.md, "Humanitarian visas").
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from models.applications import sealed
from models.applications.tables import Applicant, Application
from models.core.base import utcnow
from models.visas.checklists import PASSPORT_MONTHS
from models.visas.tables import VisaCase, VisaReason

LEAD_DAYS = 15
# warning -> the checklist items whose acceptance it blocks
BLOCKS = {"passport_expired": ("passport",), "passport_too_short": ("passport",),
          "travel_too_soon": ("itinerary",)}
WORDS = {"passport_expired": "The passport has expired.",
         "passport_too_short": "The passport expires less than 6 months after the arrival.",
         "travel_too_soon": "The journey is planned less than 15 days ahead: embassies "
                            "usually need at least 15 days."}
OVERRIDE_WORDS = {
    "renewal_under_way": "A new passport is on its way",
    "embassy_accepts": "The embassy confirmed it accepts this",
    "urgent_procedure": "The embassy's urgent procedure applies",
    "travel_date_will_move": "The journey's date will move",
    "protection_outweighs": "Her protection cannot wait: the panel accepts the risk"}
OVERRIDE_REASONS = tuple(OVERRIDE_WORDS)


def visa_request(session: Session, application: Application) -> dict[str, Any]:
    """The defender's visa request, read from its sealed details (never logged)."""
    applicant = session.get(Applicant, application.applicant_id)
    details = sealed.open_details(application, sealed.data_key(applicant) if applicant else None)
    return details.get("request", details) or {}


def passport_until(session: Session, case: VisaCase) -> date | None:
    """The defender's passport validity as she gave it (family members: not asked)."""
    if case.member != 0:
        return None
    application = session.get(Application, case.application_id)
    value = visa_request(session, application).get("passport_valid_until") if application \
        else None
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def warnings_of(session: Session, case: VisaCase, *, today: date | None = None) -> list[str]:
    today = today or utcnow().date()
    out = []
    valid = passport_until(session, case)
    if valid is not None:
        arrival = max(case.travel_planned or today, today)
        if valid < today:
            out.append("passport_expired")
        elif valid < arrival + timedelta(days=31 * PASSPORT_MONTHS):
            out.append("passport_too_short")
    if case.travel_planned and case.status in ("documents", "ready") \
            and (case.travel_planned - today).days < LEAD_DAYS:
        out.append("travel_too_soon")
    return out


def overridden(session: Session, case_id: str) -> dict[str, str]:
    """warning -> the reason it was overridden with."""
    rows = session.exec(select(VisaReason).where(VisaReason.case_id == case_id,
                                                 VisaReason.kind == "override")).all()
    return {r.warning: r.reason for r in rows if r.warning}


def open_warnings(session: Session, case: VisaCase) -> list[str]:
    done = overridden(session, case.id)
    return [w for w in warnings_of(session, case) if w not in done]


def blocking(session: Session, case: VisaCase, item_code: str) -> list[str]:
    return [w for w in open_warnings(session, case) if item_code in BLOCKS[w]]
