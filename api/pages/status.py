"""The status pages: the receipt by POST only, then the public status, questions to answer
and documents to send. Every wrong receipt gets the same page (malformed or unknown alike:
the look-up runs either way), and wrong receipts are rate-limited per client.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from api.deps import ReadSessionDep, SessionDep, client_key
from api.pages import csrf
from api.pages.common import form_language, page, pick_language
from api.posted import CappedText, CappedUpload
from api.upload import file_bytes
from forms.web.common import countries, gettext_for
from forms.web.schema import N_
from models.applications.documents import upload_document
from models.applications.info import answer_info
from models.applications.public import public_status
from models.core import ratelimit
from models.core.db import session_scope
from models.core.errors import AmparoError, NotFound

router = APIRouter(include_in_schema=False)

WRONG = N_("We could not find an application with this code. Check each character and "
           "try again.")
SLOW_DOWN = N_("Too many wrong codes from this connection. Please wait 15 minutes.")
EXPIRED = N_("For your safety the page had expired. Please enter your code again.")
ANSWERED = N_("Thank you. Your answer was sent.")
ANSWER_EMPTY = N_("Please write your answer before sending it.")
UPLOADED = N_("Thank you. Your document was received.")
UPLOAD_BAD = N_("Please choose a PDF, JPEG or PNG file of at most 10 MB.")
QUESTION_LABEL = N_("Answer to question {n}")
REPORT_LABEL = N_("Report on how the money was used")


def entry_page(request: Request, *, lang: str, error: str | None = None,
               status_code: int = 200) -> HTMLResponse:
    return page(request, "public/status.html", {"error": error, "lang_base": "/status"},
                lang=lang, status_code=status_code)


def _purposes(status: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """Which documents the applicant may send now: answers to questions, due reports..."""
    gettext = gettext_for(lang)
    options = [(f"info_answer:{r['id']}", gettext(QUESTION_LABEL).format(n=i))
               for i, r in enumerate(status["requests"], start=1)]
    for step in status.get("next_steps", []):
        if step.get("purpose"):
            label = step.get("text") or gettext(REPORT_LABEL)
            options.append((f"{step['purpose']}:{step.get('ref_id') or ''}", label))
    return options


def view_page(request: Request, session: Session, receipt: str, *, lang: str,
              notice: str | None = None, error: str | None = None,
              extra: dict[str, Any] | None = None) -> HTMLResponse:
    status = public_status(session=session, receipt=receipt, lang=lang,
                           translate=gettext_for(lang))
    visa = (status.get("outcome") or {}).get("visa") or {}
    place = dict(countries(lang)).get(visa.get("appointment_country") or "")
    return page(request, "public/status_view.html", {
        "status": status, "receipt": receipt, "notice": notice, "error": error,
        "purposes": _purposes(status, lang), "switch_form": "status-form",
        "appointment_place": place, **(extra or {})},  # extra: e.g. the payout form's
        lang=lang, status_code=422 if error else 200)       # values and errors (issue 17)


def _wrong(request: Request, session: Session, lang: str) -> HTMLResponse:
    """Count the wrong code (committed even though nothing else is) and say the same thing.
    Only unknown codes count, per client: a right receipt is always shown (issue 12). Counted
    in a transaction of its own once the request's has ended (the status view reads only)."""
    session.rollback()
    with session_scope() as counting:
        wait = ratelimit.miss(counting, ratelimit.RECEIPT, client_key(request))
    if wait:
        page = entry_page(request, lang=lang, error=SLOW_DOWN, status_code=429)
        page.headers["Retry-After"] = str(wait)
        return page
    return entry_page(request, lang=lang, error=WRONG, status_code=404)


@router.get("/status", response_class=HTMLResponse)
def status_entry(request: Request) -> HTMLResponse:
    return entry_page(request, lang=pick_language(request))


@router.post("/status", response_class=HTMLResponse)
def status_view(request: Request, body: CappedText, session: ReadSessionDep) -> HTMLResponse:
    form = body.form()
    lang = form_language(request, form)
    if not csrf.check(request, form.get(csrf.FIELD)):
        return entry_page(request, lang=lang, error=EXPIRED, status_code=403)
    try:
        return view_page(request, session, str(form.get("receipt") or ""), lang=lang)
    except NotFound:
        return _wrong(request, session, lang)


@router.post("/status/answer", response_class=HTMLResponse)
def status_answer(request: Request, body: CappedText, session: SessionDep) -> HTMLResponse:
    form = body.form()
    lang = form_language(request, form)
    receipt = str(form.get("receipt") or "")
    if not csrf.check(request, form.get(csrf.FIELD)):
        return entry_page(request, lang=lang, error=EXPIRED, status_code=403)
    try:
        answer_info(session=session, receipt=receipt, request_id=str(form.get("request_id")),
                    answer=str(form.get("answer") or ""))
        session.commit()
        notice, error = ANSWERED, None
    except NotFound:
        return _wrong(request, session, lang)
    except AmparoError:
        session.rollback()
        notice, error = None, ANSWER_EMPTY
    return _view_or_wrong(request, session, receipt, lang, notice, error)


@router.post("/status/upload", response_class=HTMLResponse)
def status_upload(request: Request, body: CappedUpload, session: SessionDep) -> HTMLResponse:
    lang = pick_language(request)
    try:
        form = body.form()
    except AmparoError:
        return entry_page(request, lang=lang, error=UPLOAD_BAD, status_code=413)
    lang = form_language(request, form)
    receipt = str(form.get("receipt") or "")
    if not csrf.check(request, form.get(csrf.FIELD)):
        return entry_page(request, lang=lang, error=EXPIRED, status_code=403)
    purpose, _, ref_id = str(form.get("purpose") or "").partition(":")
    upload: Any = form.get("file")
    try:
        content = file_bytes(form)
        if content is None:
            raise ValueError("no file")
        upload_document(session=session, receipt=receipt, purpose=purpose,
                        ref_id=ref_id or None, filename=getattr(upload, "filename", None),
                        content=content)
        session.commit()
        notice, error = UPLOADED, None
    except NotFound:
        return _wrong(request, session, lang)
    except (AmparoError, ValueError):
        session.rollback()
        notice, error = None, UPLOAD_BAD
    return _view_or_wrong(request, session, receipt, lang, notice, error)


def _view_or_wrong(request: Request, session: Session, receipt: str, lang: str,
                   notice: str | None, error: str | None) -> HTMLResponse:
    try:
        return view_page(request, session, receipt, lang=lang, notice=notice, error=error)
    except NotFound:
        return _wrong(request, session, lang)
