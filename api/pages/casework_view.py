"""What the case page shows beyond the facts (issue 15), as plain values in words: the
follow-ups with their due dates, questions in words with her answers, her documents, the
payments, the sealed notes, and which casework actions this person may take now.

Wording is English msgids (`_()`-extractable through the UPPER_CASE dicts below); the
template translates them. Dates and amounts are formatted for the page's language.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency
from sqlmodel import Session

from forms.words import N_
from models.applications import repository
from models.applications.casework import OVERRIDE_ROLES, duplicate_overridden
from models.applications.info import CODE_PREFIX, open_answer, open_question
from models.applications.messages import QUESTIONS
from models.applications.notes import NOTE_ROLES, notes_of
from models.applications.tables import Application
from models.applications.workflow import workflow_for
from models.core.base import as_utc
from models.core.currency import to_major
from models.money import repository as money_repo
from models.people.tables import StaffUser

DOC_ROLES = frozenset({"caseworker", "admin", "reviewer"})
FOLLOWUP_KINDS = {"checkin": N_("Check-in"), "report": N_("Report on the use of funds")}
FOLLOWUP_STATUSES = {"scheduled": N_("Due"), "overdue": N_("Overdue"), "done": N_("Done"),
                     "cancelled": N_("Cancelled")}
DOC_PURPOSES = {"report": N_("Report on the use of funds"),
                "info_answer": N_("Attached to an answer"),
                "visa_item": N_("Visa checklist document"),
                "proof_of_payment": N_("Proof of payment")}
DOC_TYPES = {"application/pdf": N_("PDF"), "image/jpeg": N_("JPEG image"),
             "image/png": N_("PNG image")}
PAYMENT_STATUSES = {"draft": N_("Waiting for finance approval"),
                    "approved": N_("Approved, not sent yet"), "sent": N_("Sent"),
                    "confirmed": N_("Received"), "failed": N_("Failed"),
                    "returned": N_("Returned"), "cancelled": N_("Cancelled")}
RAILS = {"stripe_connect": N_("Stripe transfer"), "bank_wire": N_("Bank transfer"),
         "mobile_money": N_("Mobile money"), "money_transfer_agent": N_("Money transfer agent"),
         "cash_via_partner": N_("Cash through a partner"), "vendor_direct": N_("Paid to a vendor"),
         None: N_("Not chosen yet")}
NOTE_KINDS = {"note": N_("Note"), "override_ineligible": N_("Override of \"not eligible\""),
              "override_duplicate": N_("Not a duplicate"), "withdrawn": N_("Withdrawn"),
              "closed": N_("Closed"), "checkin": N_("Check-in"), "report": N_("Report recorded")}
INELIGIBLE_REASONS = {
    "amount_over_cap": N_("The amount asked is above the programme's limit"),
    "excluded_costs": N_("Costs the programme cannot pay for"),
    "currency_not_supported": N_("A currency the programme does not pay in")}

def money(amount_minor: int | None, currency: str | None, lang: str) -> str:
    """EUR 2500.00 in minor units → "€2,500.00" (in the page's language)."""
    if amount_minor is None or not currency:
        return "—"
    return format_currency(Decimal(to_major(amount_minor, currency)), currency, locale=lang)


def day(value: datetime | None, lang: str) -> str:
    return format_date(as_utc(value), format="medium", locale=lang) if value else "—"


def _followups(session: Session, application: Application, lang: str) -> list[dict[str, Any]]:
    return [{"id": f.id, "kind": f.kind, "kind_label": FOLLOWUP_KINDS.get(f.kind, f.kind),
             "status": f.status, "status_label": FOLLOWUP_STATUSES.get(f.status, f.status),
             "due": day(f.due_at, lang), "done": day(f.done_at, lang)}
            for f in repository.followups_of(session, application.id)]


def question_words(text: str | None) -> tuple[str, bool]:
    """(msgid, True) for a triage question code, else (her caseworker's text, False)."""
    text = text or ""
    if text.startswith(CODE_PREFIX):
        return QUESTIONS.get(text.removeprefix(CODE_PREFIX), N_("A question from triage")), True
    return text, False


def questions(session: Session, application: Application, lang: str) -> list[dict[str, Any]]:
    """Every question to her, in words, with her answer and the documents she attached."""
    docs = repository.documents_of(session, application.id)
    out = []
    for request in repository.info_requests_of(session, application.id):
        words, coded = question_words(open_question(request))
        answer = open_answer(request)
        out.append({"id": request.id, "question": words, "translate": coded,
                    "answer": answer, "asked": day(request.asked_at, lang),
                    "answered": day(request.answered_at, lang),
                    "settled": request.answered_at is not None and answer is None,
                    "documents": [d.id for d in docs
                                  if d.purpose == "info_answer" and d.ref_id == request.id]})
    return out


def documents(session: Session, application: Application, lang: str) -> list[dict[str, Any]]:
    return [{"id": d.id, "number": i, "purpose": DOC_PURPOSES.get(d.purpose, N_("Other document")),
             "type": DOC_TYPES.get(d.mime, N_("File")), "size_kb": max(1, round(d.size / 1024)),
             "uploaded": day(d.created_at, lang)}
            for i, d in enumerate(repository.documents_of(session, application.id), start=1)]


def payments(session: Session, application: Application, lang: str) -> list[dict[str, Any]]:
    return [{"tranche": d.tranche, "amount": money(d.amount_minor, d.currency, lang),
             "rail": RAILS.get(d.rail, N_("Other")), "status": d.status,
             "status_label": PAYMENT_STATUSES.get(d.status, N_("Other")),
             "on_hold": bool(d.hold_reason), "sent": day(d.sent_at, lang),
             "confirmed": day(d.confirmed_at, lang)}
            for d in money_repo.of_application(session, application.id)]


def _notes(session: Session, application: Application, role: str,
           lang: str) -> list[dict[str, Any]]:
    authors: dict[str, str] = {}
    out = []
    for note in notes_of(session, application, role):
        author = note["author_id"]
        if author and author not in authors:
            staff = session.get(StaffUser, author)
            authors[author] = staff.email if staff else "—"
        out.append({**note, "kind_label": NOTE_KINDS.get(note["kind"], N_("Note")),
                    "author": authors.get(author or "", "—"), "day": day(note["created_at"],
                                                                          lang)})
    return out


def actions(session: Session, application: Application, role: str) -> dict[str, bool]:
    workflow = workflow_for(application.kind)
    flagged = bool(application.duplicate_of) and application.status not in workflow.terminal
    return {
        "override_ineligible": workflow.allowed(application.status, "eligible", role)
        and application.status == "ineligible",
        "override_duplicate": role in OVERRIDE_ROLES and flagged
        and not duplicate_overridden(session, application),
        "withdraw": workflow.allowed(application.status, "withdrawn", role),
        "close": workflow.allowed(application.status, "closed", role),
        "notes": role in NOTE_ROLES,
        "checkin": role in NOTE_ROLES and application.status == "follow_up",
    }


def casework_context(session: Session, user: StaffUser, application: Application,
                     lang: str) -> dict[str, Any]:
    role = user.role
    sees_docs = role in DOC_ROLES
    return {
        "followups": _followups(session, application, lang) if role in NOTE_ROLES else [],
        "questions": questions(session, application, lang),
        "documents": documents(session, application, lang) if sees_docs else [],
        "payments": payments(session, application, lang) if role in NOTE_ROLES else [],
        "notes": _notes(session, application, role, lang),
        "may": actions(session, application, role),
        "duplicate_overridden": duplicate_overridden(session, application),
        "ineligible_words": INELIGIBLE_REASONS.get(application.ineligible_reason or ""),
        "money": lambda minor: money(minor, application.currency, lang),
        "factor_kinds": {"threat_type": "threat", "perpetrator": "perpetrator",
                         "imminent": "flag"},  # which words a risk factor's value takes
    }
