"""Earlier requests of the same person within the programme's window, with the reasons.

Across every status and kind: a grant funded and closed last week counts, so does a shelter
request. Two people are taken for one by blind indexes only (never a plaintext comparison):
the same e-mail, the same phone, or the same name in the same country (a name alone is too
common). The caseworker sees which earlier case and which signals matched; the applicant is
asked nothing more here (an open request of the same kind is `repository.open_duplicates`,
which asks her whether this is a new need).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from models.applications.tables import Applicant, Application
from models.core import audit
from models.core.base import as_utc
from models.programmes.tables import DEFAULT_DUPLICATE_WINDOW_DAYS, Programme

SIGNALS = ("email", "phone", "name_country")  # in the order shown
SIGNAL_LABELS = {"email": "same e-mail address", "phone": "same phone number",
                 "name_country": "same name in the same country"}


@dataclass(frozen=True)
class Match:
    application_id: str
    kind: str
    status: str
    submitted_at: datetime
    signals: tuple[str, ...]


def _signal_conditions(applicant: Applicant) -> dict[str, ColumnElement[bool]]:
    found: dict[str, ColumnElement[bool]] = {}
    if applicant.email_index:
        found["email"] = col(Applicant.email_index) == applicant.email_index
    if applicant.phone_index:
        found["phone"] = col(Applicant.phone_index) == applicant.phone_index
    if applicant.name_index and applicant.country:
        found["name_country"] = ((col(Applicant.name_index) == applicant.name_index)
                                 & (col(Applicant.country) == applicant.country))
    return found


def window_days(programme: Programme | None) -> int:
    days = getattr(programme, "duplicate_window_days", None) if programme is not None else None
    return int(days or DEFAULT_DUPLICATE_WINDOW_DAYS)


def earlier_matches(session: Session, application: Application, applicant: Applicant, *,
                    days: int) -> list[Match]:
    """Requests submitted up to `days` before this one (any kind or status), newest first,
    each with every signal that matched. One indexed look-up per signal."""
    signals_of: dict[str, set[str]] = {}
    for signal, condition in _signal_conditions(applicant).items():
        for person in session.exec(select(Applicant.id).where(condition)).all():
            signals_of.setdefault(person, set()).add(signal)
    if not signals_of:
        return []
    mine = as_utc(application.submitted_at)
    since = mine - timedelta(days=days)  # type: ignore[operator]
    rows = session.exec(select(Application).where(
        col(Application.applicant_id).in_(list(signals_of)),
        Application.id != application.id)).all()
    matches = [Match(a.id, a.kind, a.status, as_utc(a.submitted_at),  # type: ignore[arg-type]
                     tuple(s for s in SIGNALS if s in signals_of[a.applicant_id]))
               for a in rows if since <= as_utc(a.submitted_at) <= mine]  # type: ignore[operator]
    return sorted(matches, key=lambda m: m.submitted_at, reverse=True)


def flag_on_triage(session: Session, application: Application, applicant: Applicant) -> list[Match]:
    """At triage: the earlier requests in the programme's window, audited (ids and signal
    codes only). The caller tells the caseworkers when this is not empty."""
    programme = session.get(Programme, application.programme_id)
    matches = earlier_matches(session, application, applicant, days=window_days(programme))
    if matches:
        audit.record(session, actor="system", action="application.duplicates_flagged",
                     entity="application", entity_id=application.id,
                     data={"earlier": [{"id": m.application_id, "signals": list(m.signals)}
                                       for m in matches[:20]],
                           "window_days": window_days(programme)})
    return matches


def duplicates_view(session: Session, application: Application) -> list[dict[str, Any]]:
    """For the caseworker's page and API: each earlier request with the reasons in words
    (English msgids, translated by the page) and as codes."""
    applicant = session.get(Applicant, application.applicant_id)
    if applicant is None:
        return []
    programme = session.get(Programme, application.programme_id)
    return [{"id": m.application_id, "kind": m.kind, "status": m.status,
             "submitted_at": m.submitted_at.isoformat(), "signals": list(m.signals),
             "reasons": [SIGNAL_LABELS[s] for s in m.signals]}
            for m in earlier_matches(session, application, applicant,
                                     days=window_days(programme))]
