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
from models.core.base import as_utc

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
    return {
        "kind": application.kind,
        "status": application.status,
        "label": tr(STATUS_LABELS.get(application.status, application.status)),
        "updated_at": _iso(application.updated_at),
        "messages": [{"code": m.code, "params": m.params, "text": render(m.code, m.params, tr),
                      "at": _iso(m.created_at)}
                     for m in repository.messages_of(session, application.id)],
        "requests": _open_requests(session, application, tr),
        "next_steps": _next_steps(session, application, tr),
        "lang": lang,
        **{name: part(session, application) for name, part in STATUS_PARTS.items()},
    }


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
