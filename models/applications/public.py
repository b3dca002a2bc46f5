"""What the applicant sees with the receipt (CONTRACT.md `POST /api/v1/status`).

Only public wording: the status label, catalogue messages, open questions and next steps.
Wording stays English msgids here; callers pass `translate` (forms.i18n.gettext for a
language) because models never import forms.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from models.applications import repository
from models.applications.info import CODE_PREFIX, application_by_receipt, open_question
from models.applications.messages import QUESTIONS, STATUS_LABELS, render
from models.applications.tables import Application
from models.applications.workflow import WORKFLOWS
from models.core.base import as_utc
from models.core.currency import to_major

Translate = Callable[[str], str]
NextSteps = Callable[[Session, Application], list[dict[str, Any]]]
# kind -> provider of next steps (dicts with "code", optional msgid "text", "ref_id", "due").
# The shelter and visa areas register theirs; grants get the follow-up provider below.
NEXT_STEP_PROVIDERS: dict[str, NextSteps] = {}


def register_next_steps(kind: str, provider: NextSteps) -> None:
    NEXT_STEP_PROVIDERS[kind] = provider


# name -> provider of one more key of the status (codes and dates only): the money area
# registers "payout" (how and when she is paid, her details' last digits; issue 17).
StatusPart = Callable[[Session, Application], Any]
STATUS_PARTS: dict[str, StatusPart] = {}


def register_status_part(name: str, provider: StatusPart) -> None:
    STATUS_PARTS[name] = provider


def public_status(*, session: Session, receipt: str, lang: str = "en",
                  translate: Translate | None = None) -> dict[str, Any]:
    """NotFound for an unknown receipt. `lang` is echoed; `translate` words it."""
    application = application_by_receipt(session, receipt)
    return status_of(session=session, application=application, lang=lang, translate=translate)


def status_of(*, session: Session, application: Application, lang: str = "en",
              translate: Translate | None = None) -> dict[str, Any]:
    tr: Translate = translate or (lambda msgid: msgid)
    requests = _open_requests(session, application, tr)
    return {
        "kind": application.kind,
        "status": application.status,
        "label": tr(STATUS_LABELS.get(application.status, application.status)),
        "updated_at": _iso(application.updated_at),
        "messages": _messages(session, application, requests, tr),
        "requests": requests,
        "next_steps": _next_steps(session, application, tr),
        "lang": lang,
        "outcome": outcome_of(session, application),
        **{name: part(session, application) for name, part in STATUS_PARTS.items()},
    }


# Once her answer is in, "Answer it below" would point at nothing: the message says so.
ANSWERED_QUESTION = "We asked you a question. Thank you for answering it."
# How a case ended, by status (docs/watched-phone.md: words only, no reasons in detail).
# (codes, not wording: dict() keeps them out of the catalogue extractor, forms/i18n/extract.py)
ENDINGS = dict(ineligible="not_eligible", rejected="not_approved", refused="visa_refused",
               withdrawn="withdrawn", closed="closed")
PAID_STATUSES = ("approved", "disbursing", "disbursed", "follow_up", "closed")


def _messages(session: Session, application: Application, requests: list[dict[str, Any]],
              tr: Translate) -> list[dict[str, Any]]:
    out = []
    for m in repository.messages_of(session, application.id):
        text = render(m.code, m.params, tr)
        if m.code == "info_requested" and not requests:
            text = tr(ANSWERED_QUESTION)
        out.append({"code": m.code, "params": m.params, "text": text, "at": _iso(m.created_at)})
    return out


def outcome_of(session: Session, application: Application) -> dict[str, Any]:
    """What was decided, in values the page words: the amount asked and the amount decided
    (major units), the visa's result and appointment, and whether the case has ended."""
    workflow = WORKFLOWS.get(application.kind)
    ended = workflow is not None and application.status in workflow.terminal
    out: dict[str, Any] = {"ended": ended, "ending": ENDINGS.get(application.status)
                           if ended else None, "currency": application.currency}
    if application.amount_minor is not None and application.currency:
        out["asked"] = to_major(application.amount_minor, application.currency)
    if (application.decided_amount_minor is not None and application.currency
            and application.status in PAID_STATUSES):
        out["decided"] = to_major(application.decided_amount_minor, application.currency)
    if application.kind == "visa":
        out["visa"] = _visa_outcome(session, application)
    return out


def _visa_outcome(session: Session, application: Application) -> dict[str, Any] | None:
    """The defender's own visa (member 0): its status, appointment and validity."""
    from sqlmodel import select

    from models.visas.tables import VisaCase
    case = session.exec(select(VisaCase).where(VisaCase.application_id == application.id,
                                               VisaCase.member == 0)).first()
    if case is None:
        return None
    return {"status": case.status, "appointment_at": _iso(case.appointment_at),
            "appointment_country": case.appointment_country,
            "valid_from": case.valid_from.isoformat() if case.valid_from else None,
            "valid_until": case.valid_until.isoformat() if case.valid_until else None}


def _open_requests(session: Session, application: Application,
                   tr: Translate) -> list[dict[str, Any]]:
    out = []
    for request in repository.info_requests_of(session, application.id, open_only=True):
        question = open_question(request) or ""
        if question.startswith(CODE_PREFIX):
            question = tr(QUESTIONS.get(question.removeprefix(CODE_PREFIX), ""))
        out.append({"id": request.id, "question": question, "asked_at": _iso(request.asked_at)})
    return out


def _next_steps(session: Session, application: Application,
                tr: Translate) -> list[dict[str, Any]]:
    provider = NEXT_STEP_PROVIDERS.get(application.kind)
    steps = list(provider(session, application)) if provider else []
    steps += followup_steps(session, application)
    return [{**s, "text": tr(s["text"])} if s.get("text") else s for s in steps]


def followup_steps(session: Session, application: Application) -> list[dict[str, Any]]:
    """Every kind: a report to upload while it is due and not done."""
    steps = []
    for followup in repository.followups_of(session, application.id):
        if followup.kind == "report" and followup.status != "done":
            steps.append({"code": "upload_report", "ref_id": followup.id,
                          "due": _iso(followup.due_at), "purpose": "report",
                          "text": "Upload a short report on how the money was used."})
    return steps


def _iso(value: Any) -> str | None:
    return as_utc(value).isoformat() if value is not None else None  # type: ignore[union-attr]
