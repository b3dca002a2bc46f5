"""The application as staff see it, fields filtered by role (least privilege).

- caseworker, admin: everything.
- reviewer: grants on the reviewer's panel (on call for a fast track) once routed: the
  threat, risk factors, request, endorser and country; the organisation (to spot a
  conflict of interest) but no name, e-mail, phone or pronouns. A reviewer who recused no
  longer sees the case.
- finance: the name (sanctions and compliance checks), country, amounts and status; no
  threat description, no endorser.
- shelter_coordinator: shelter applications only; contact, needs and dates, threat
  categories (distance from the threat) but not the description.
- visa_officer: visa applications only; contact, threat (embassies ask for it), endorser.
"""
from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models.applications import repository, sealed
from models.applications.tables import Applicant, Application
from models.core.base import as_utc
from models.core.errors import Forbidden, NotFound
from models.people.tables import StaffUser
from models.programmes.tables import Programme

ROLE_KINDS: dict[str, list[str] | None] = {
    "caseworker": None, "admin": None, "reviewer": ["grant"], "finance": ["grant"],
    "shelter_coordinator": ["shelter"], "visa_officer": ["visa"]}
# What each role may list; None = every status.
REVIEWER_STATUSES = ["in_review", "info_requested", "approved", "rejected", "disbursing",
                     "disbursed", "follow_up", "closed", "documents", "lodged",
                     "appointment", "granted", "refused", "travel"]
FINANCE_STATUSES = ["approved", "disbursing", "disbursed", "follow_up", "closed"]
ROLE_STATUSES: dict[str, list[str] | None] = {
    "caseworker": None, "admin": None, "reviewer": REVIEWER_STATUSES,
    "finance": FINANCE_STATUSES, "shelter_coordinator": None, "visa_officer": None}

_CONTACT = ("name", "email", "phone", "organisation", "pronouns")
_PERSON_FIELDS: dict[str, tuple[str, ...]] = {
    "caseworker": _CONTACT, "admin": _CONTACT, "reviewer": ("organisation",),
    "finance": ("name",), "shelter_coordinator": ("name", "email", "phone", "pronouns"),
    "visa_officer": _CONTACT}
_SEES_DESCRIPTION = {"caseworker", "admin", "reviewer", "visa_officer"}
_SEES_ENDORSER = {"caseworker", "admin", "reviewer", "visa_officer"}


def visible_to(session: Session, application: Application, role: str,
               viewer_id: str | None = None) -> bool:
    kinds = ROLE_KINDS.get(role, [])
    if kinds is not None and application.kind not in kinds:
        return False
    statuses = ROLE_STATUSES.get(role)
    if statuses is not None and application.status not in statuses:
        return False
    if role == "reviewer" and viewer_id:
        return _may_review(session, application, viewer_id)
    return True


def _may_review(session: Session, application: Application, reviewer_id: str) -> bool:
    """On the case's panel (on call for a fast track) and not recused: the reviews rule."""
    from models.reviews.service import may_review
    reviewer = session.get(StaffUser, reviewer_id)
    return reviewer is not None and may_review(session, application=application,
                                               reviewer=reviewer)


def load_application_view(*, session: Session, application: Application, role: str,
                          viewer_id: str | None = None) -> dict[str, Any]:
    """One application for a staff member; NotFound when the role may not see it."""
    if role not in ROLE_KINDS:
        raise Forbidden("your role may not see applications")
    if not visible_to(session, application, role, viewer_id):
        raise NotFound("application not found")
    applicant = session.get(Applicant, application.applicant_id)
    dek = sealed.data_key(applicant) if applicant else None
    details = sealed.open_details(application, dek)
    view = _core(session, application)
    person = sealed.open_applicant(applicant, dek) if applicant else {}
    view["applicant"] = {"country": applicant.country if applicant else None,
                         **{f: person.get(f) for f in _PERSON_FIELDS[role]}}
    view["threat"] = _threat(application, details, role)
    if role != "finance":
        request = dict(details.get("request") or {}) or None
        # Other funds asked for the same need (issue 18): shown apart, to reviewers too.
        view["other_funds"] = request.pop("other_funds", None) if request else None
        view["request"] = request
        view["dependants"] = application.dependants
    if role in _SEES_ENDORSER:
        view["endorser"] = details.get("endorser")
    if role in ("caseworker", "admin"):
        from models.applications.duplicates import duplicates_view
        view["duplicates"] = duplicates_view(session, application)  # earlier, with reasons
        view["info_requests"] = _info_requests(session, application)
        view["follow_ups"] = [{"id": f.id, "kind": f.kind, "status": f.status,
                               "due_at": _iso(f.due_at), "done_at": _iso(f.done_at)}
                              for f in repository.followups_of(session, application.id)]
    if role in ("caseworker", "admin", "visa_officer", "shelter_coordinator"):
        view["documents"] = [{"id": d.id, "purpose": d.purpose, "ref_id": d.ref_id,
                              "mime": d.mime, "size": d.size, "created_at": _iso(d.created_at)}
                             for d in repository.documents_of(session, application.id)]
    return view


def _core(session: Session, application: Application) -> dict[str, Any]:
    programme = session.get(Programme, application.programme_id)
    return {
        "id": application.id, "kind": application.kind, "status": application.status,
        "programme": programme.slug if programme else None, "language": application.language,
        "programme_version": application.programme_version,  # the rules it was routed under
        "priority": application.priority, "track": application.track,
        "risk_level": application.risk_level, "risk_score": application.risk_score,
        "risk_factors": application.risk_factors, "currency": application.currency,
        "amount": sealed.major_units(application.amount_minor, application.currency),
        "decided_amount": sealed.major_units(application.decided_amount_minor,
                                             application.currency),
        "ineligible_reason": application.ineligible_reason,
        "duplicate_of": application.duplicate_of,
        "submitted_at": _iso(application.submitted_at),
        "updated_at": _iso(application.updated_at),
        "decision_due_at": _iso(application.decision_due_at),
        "clock_paused": application.clock_paused_at is not None,
    }


def _threat(application: Application, details: dict[str, Any], role: str) -> dict[str, Any]:
    threat: dict[str, Any] = {
        "types": application.threat_types, "imminent": application.threat_imminent,
        "perpetrator": application.perpetrator, "prior_attacks": application.prior_attacks}
    if role in _SEES_DESCRIPTION:
        threat["description"] = details.get("threat_description")
    if role == "finance":
        return {}
    return threat


def _info_requests(session: Session, application: Application) -> list[dict[str, Any]]:
    from models.applications.info import open_question, open_answer
    return [{"id": r.id, "question": open_question(r), "answer": open_answer(r),
             "asked_at": _iso(r.asked_at), "answered_at": _iso(r.answered_at)}
            for r in repository.info_requests_of(session, application.id)]


def _iso(value: Any) -> str | None:
    return as_utc(value).isoformat() if value is not None else None  # type: ignore[union-attr]


def list_application_views(*, session: Session, role: str, viewer_id: str | None = None,
                           kind: str | None = None, status: str | None = None,
                           limit: int = 200) -> list[dict[str, Any]]:
    """The staff list, most urgent first, each row filtered as above."""
    if role not in ROLE_KINDS:
        raise Forbidden("your role may not see applications")
    rows = repository.staff_list(session, kinds=ROLE_KINDS[role], statuses=ROLE_STATUSES[role],
                                 kind=kind, status=status, limit=limit)
    return [load_application_view(session=session, application=a, role=role,
                                  viewer_id=viewer_id)
            for a in rows if visible_to(session, a, role, viewer_id)]
