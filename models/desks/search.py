"""Searching the staff lists: cases (by receipt, id, country, kind, status, dates), staff
people (by e-mail, role, access) and audit events (by id, action, dates). Role-filtered,
read-only, paged (paging.py).

A receipt is looked up by its keyed hash only (models/core/crypto.receipt_hash); the pages
take it by POST so it never sits in a URL or an access log.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlmodel import Session, col, select

from models.applications.tables import Applicant, Application
from models.applications.views import ROLE_KINDS, ROLE_STATUSES
from models.core import crypto
from models.core.audit import AuditEvent
from models.desks.paging import Page, Paging, matches, page_of_query
from models.people.tables import StaffUser

CASE_FIELDS = ("q", "country", "kind", "status", "since", "until")
STAFF_FIELDS = ("q", "role", "access")
AUDIT_FIELDS = ("entity_id", "actor", "action", "since", "until")


def day(value: str | None, *, end: bool = False) -> datetime | None:
    """A typed date (YYYY-MM-DD) as the start of that day, or the start of the next (UTC)."""
    try:
        parsed = date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
    moment = datetime.combine(parsed, time.min, tzinfo=timezone.utc)
    return moment + timedelta(days=1) if end else moment


def case_search(params: Mapping[str, Any]) -> dict[str, str]:
    """The case list's search fields (never the receipt: that one comes by POST)."""
    found = matches(params, *CASE_FIELDS)
    if "country" in found:
        found["country"] = found["country"][:2].upper()
    if "q" in found:
        found["q"] = found["q"].lower()
    return found


def find_cases(session: Session, *, role: str, search: Mapping[str, str],
               paging: Paging, kinds: tuple[str, ...] | None = None) -> Page[Application]:
    """Cases this role may list, most urgent first. `q` is the start of a case id."""
    stmt = select(Application)
    allowed = ROLE_KINDS.get(role, [])
    if allowed is not None:
        stmt = stmt.where(col(Application.kind).in_(allowed))
    statuses = ROLE_STATUSES.get(role)
    if statuses is not None:
        stmt = stmt.where(col(Application.status).in_(statuses))
    if kinds:
        stmt = stmt.where(col(Application.kind).in_(kinds))
    if search.get("q"):
        stmt = stmt.where(col(Application.id).startswith(search["q"], autoescape=True))
    if search.get("kind"):
        stmt = stmt.where(Application.kind == search["kind"])
    if search.get("status"):
        stmt = stmt.where(Application.status == search["status"])
    if search.get("country"):
        stmt = stmt.join(Applicant, col(Applicant.id) == col(Application.applicant_id)).where(
            Applicant.country == search["country"])
    since, until = day(search.get("since")), day(search.get("until"), end=True)
    if since:
        stmt = stmt.where(col(Application.submitted_at) >= since)
    if until:
        stmt = stmt.where(col(Application.submitted_at) < until)
    stmt = stmt.order_by(col(Application.priority), col(Application.decision_due_at).is_(None),
                         col(Application.decision_due_at), col(Application.submitted_at).desc(),
                         col(Application.id))
    return page_of_query(session, stmt, paging, dict(search))


def case_by_receipt(session: Session, receipt: str) -> Application | None:
    """The case a receipt belongs to, or None (malformed or unknown alike)."""
    digest = crypto.receipt_hash(receipt or "")
    if digest is None:
        return None
    return session.exec(select(Application).where(Application.receipt_hash == digest)).first()


def find_staff(session: Session, *, search: Mapping[str, str],
               paging: Paging) -> Page[StaffUser]:
    """Staff by part of the e-mail, role and access (active / disabled), by e-mail."""
    stmt = select(StaffUser)
    if search.get("q"):
        stmt = stmt.where(col(StaffUser.email).contains(search["q"].lower(), autoescape=True))
    if search.get("role"):
        stmt = stmt.where(StaffUser.role == search["role"])
    if search.get("access") in ("active", "disabled"):
        stmt = stmt.where(StaffUser.active == (search["access"] == "active"))
    return page_of_query(session, stmt.order_by(col(StaffUser.email)), paging, dict(search))


def find_events(session: Session, *, search: Mapping[str, str],
                paging: Paging) -> Page[AuditEvent]:
    """Audit events, newest first, by entity id, actor, action (start of it) and dates."""
    stmt = select(AuditEvent)
    if search.get("entity_id"):
        stmt = stmt.where(AuditEvent.entity_id == search["entity_id"])
    if search.get("actor"):  # who did it: a staff member's id, "system" or "applicant"
        stmt = stmt.where(AuditEvent.actor == search["actor"])
    if search.get("action"):
        stmt = stmt.where(col(AuditEvent.action).startswith(search["action"], autoescape=True))
    since, until = day(search.get("since")), day(search.get("until"), end=True)
    if since:
        stmt = stmt.where(col(AuditEvent.at) >= since)
    if until:
        stmt = stmt.where(col(AuditEvent.at) < until)
    return page_of_query(session, stmt.order_by(col(AuditEvent.seq).desc()), paging,
                         dict(search))


VISA_FIELDS = ("q", "country", "status")


def find_visa_cases(session: Session, *, search: Mapping[str, str],
                    paging: Paging) -> Page[Any]:
    """Open visa cases (as the visa list shows them: the earliest deadline first), by the
    start of the case's or the application's id, destination country and status."""
    from models.visas.tables import VisaCase

    stmt = select(VisaCase).where(col(VisaCase.status).not_in(["travelled", "withdrawn"]))
    if search.get("q"):
        q = search["q"].lower()
        stmt = stmt.where(col(VisaCase.application_id).startswith(q, autoescape=True)
                          | col(VisaCase.id).startswith(q, autoescape=True))
    if search.get("country"):
        stmt = stmt.where(VisaCase.destination_country == search["country"][:2].upper())
    if search.get("status"):
        stmt = stmt.where(VisaCase.status == search["status"])
    stmt = stmt.order_by(col(VisaCase.documents_due).is_(None), col(VisaCase.documents_due),
                         col(VisaCase.created_at), col(VisaCase.id))
    return page_of_query(session, stmt, paging, dict(search))


MATCHING_FIELDS = ("q", "country")


def find_matching(session: Session, *, search: Mapping[str, str],
                  paging: Paging) -> Page[Application]:
    """Shelter cases waiting for a house (critical first, then the oldest), by the start of
    the case id and the country she is in."""
    stmt = select(Application).where(Application.kind == "shelter",
                                     Application.status == "matching")
    if search.get("q"):
        stmt = stmt.where(col(Application.id).startswith(search["q"].lower(), autoescape=True))
    if search.get("country"):
        stmt = stmt.join(Applicant, col(Applicant.id) == col(Application.applicant_id)).where(
            Applicant.country == search["country"][:2].upper())
    stmt = stmt.order_by(col(Application.priority), col(Application.submitted_at),
                         col(Application.id))
    return page_of_query(session, stmt, paging, dict(search))
