"""Routes of the applications area: intake, the staff lists, the applicant's status by receipt.

Thin: parse, authorise, call the domain, commit, answer. The receipt travels in POST bodies
only (never a URL); wrong receipts are rate-limited per client, right ones never are.
"""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from api.auth import CurrentStaff, require_roles
from api.deps import ReadSessionDep, SessionDep, client_key
from api.posted import CappedUpload
from api.upload import file_bytes
from forms.i18n import LANGUAGES, choose_language, gettext
from models.applications import followups, info, public, views
from models.applications.documents import read_document, upload_document
from models.applications.schemas import ApplicationIn, SubmitResult
from models.applications.service import submit_grouped
from models.applications.tables import Application, Document
from models.core import ratelimit
from models.core.db import session_scope
from models.core.errors import Invalid, NotFound, TooManyRequests
from models.money import payout
from models.people.tables import StaffUser

router = APIRouter(tags=["applications"])


class StatusIn(BaseModel):
    receipt: str = Field(min_length=1, max_length=64)
    lang: str | None = Field(default=None, max_length=8)


class PayoutIn(StatusIn):
    payout: dict[str, Any]


class AnswerIn(StatusIn):
    request_id: str = Field(min_length=1, max_length=32)
    answer: str = Field(min_length=1, max_length=4000)


@router.post("/applications", status_code=201, response_model=SubmitResult,
             summary="Submit an application (grant, shelter or visa)",
             description="Send the same `Idempotency-Key` (16-128 letters, digits, - or _) "
                         "with every retry of one submission: a retry answers with the same "
                         "id and receipt instead of a second application.")
def submit(data: ApplicationIn,
           idempotency_key: Annotated[str | None, Header()] = None) -> Any:
    # Committed with the submissions of other clients arriving at the same moment; the flow
    # runner is woken once per such batch (api/app.py).
    result = submit_grouped(data=data, submission_key=idempotency_key)
    return JSONResponse(result.model_dump(), status_code=201)


def _wake() -> None:
    from flows.dispatch import wake_dispatcher
    wake_dispatcher()


@router.get("/applications", summary="Applications the caller's role may see, most urgent first")
def list_applications(user: CurrentStaff, session: SessionDep,
                      kind: Annotated[str | None, Query(max_length=16)] = None,
                      status: Annotated[str | None, Query(max_length=32)] = None,
                      ) -> list[dict[str, Any]]:
    return views.list_application_views(session=session, role=user.role, viewer_id=user.id,
                                        kind=kind, status=status)


@router.get("/applications/{application_id}", summary="One application, fields filtered by role")
def get_application(application_id: str, user: CurrentStaff, session: SessionDep) -> dict:
    return views.load_application_view(session=session, application=_app(session, application_id),
                                       role=user.role, viewer_id=user.id)


def _app(session: Session, application_id: str) -> Application:
    application = session.get(Application, application_id[:32])
    if application is None:
        raise NotFound("application not found")
    return application


AdminDep = Annotated[StaffUser, Depends(require_roles("admin"))]


@router.post("/applications/{application_id}/erase",
             summary="Erase the personal data of the person behind an application (admin)",
             description="Crypto-shredding: the person's data key, sealed fields, uploads and "
                         "notes are deleted; anonymous statistics stay. 409 while money is in "
                         "flight for the person.")
def erase(application_id: str, user: AdminDep, session: SessionDep) -> dict:
    from models.applications.erasure import erase_application_person
    count = erase_application_person(session=session, application_id=application_id[:32],
                                     actor_id=user.id)
    session.commit()
    return {"erased_applications": count}


CheckinDep = Annotated[StaffUser, Depends(require_roles("caseworker", "shelter_coordinator",
                                                        "visa_officer", "admin"))]


@router.post("/follow-ups/{followup_id}/done", summary="Record that a check-in took place")
def checkin_done(followup_id: str, user: CheckinDep, session: SessionDep) -> dict:
    followup = followups.complete_checkin(session=session, followup_id=followup_id[:32],
                                          staff=user)
    session.commit()
    return {"id": followup.id, "status": followup.status}


@router.get("/documents/{document_id}", summary="Download an applicant's document (staff)",
            response_class=Response)
def download(document_id: str, user: CurrentStaff, session: SessionDep) -> Response:
    document = session.get(Document, document_id[:32])
    if document is None:
        raise NotFound("document not found")
    # Whoever may see the case with its documents may open them; others get 404.
    view = views.load_application_view(session=session, role=user.role, viewer_id=user.id,
                                       application=_app(session, document.application_id))
    content = read_document(session=session, document=document) if "documents" in view else None
    if content is None:
        raise NotFound("document not found")
    return Response(content, media_type=document.mime,
                    headers={"Content-Disposition": f'attachment; filename="{document.id}"'})


# --- the applicant, by receipt -------------------------------------------------------------

def _language(request: Request, asked: str | None, application: Application) -> str:
    """The body's `lang`, then ?lang=, then Accept-Language, then the application's own."""
    chosen = (asked if asked in LANGUAGES else None) or choose_language(
        request.query_params.get("lang"), request.headers.get("accept-language", ""))
    return chosen or (application.language if application.language in LANGUAGES else "en")


def by_receipt(session: Session, request: Request, receipt: str) -> Application:
    """The application of a receipt. A right receipt is always answered, whoever shares the
    client's address; unknown ones count against this client only, with growing delays."""
    try:
        return info.application_by_receipt(session, receipt)
    except NotFound:
        session.rollback()
        wait = ratelimit.miss(session, ratelimit.RECEIPT, client_key(request))
        session.commit()
        if wait:
            raise TooManyRequests(retry_after=wait) from None
        raise


def public_answer(session: Session, request: Request, application: Application,
                  asked_lang: str | None) -> dict[str, Any]:
    lang = _language(request, asked_lang, application)
    return public.status_of(session=session, application=application, lang=lang,
                            translate=lambda msgid: gettext(lang, msgid))


@router.post("/status", summary="The applicant's status, by receipt",
             responses={404: {"description": "Unknown receipt"},
                        429: {"description": "Too many unknown receipts"}})
def status(body: StatusIn, request: Request, session: ReadSessionDep) -> dict:
    """Reads only (no turn on the write gate); a wrong receipt is counted in a transaction
    of its own, after the read has ended."""
    try:
        application = info.application_by_receipt(session, body.receipt)
    except NotFound:
        session.rollback()
        with session_scope() as counting:
            wait = ratelimit.miss(counting, ratelimit.RECEIPT, client_key(request))
        if wait:
            raise TooManyRequests(retry_after=wait) from None
        raise
    return public_answer(session, request, application, body.lang)


@router.post("/status/payout", summary="Give or change payout details, by receipt",
             description="`{\"receipt\", \"payout\": {\"rail\", ...}}` (CONTRACT.md, "
                         "\"Payout details\"); a change after approval holds the payment "
                         "until finance approves the new details. Answers the status.",
             responses={404: {"description": "Unknown receipt"},
                        422: {"description": "A field named `payout.<field>` is invalid"}})
def payout_details(body: PayoutIn, request: Request, session: SessionDep) -> dict:
    by_receipt(session, request, body.receipt)
    payout.submit_by_receipt(session=session, receipt=body.receipt, raw=body.payout)
    session.commit()
    application = info.application_by_receipt(session, body.receipt)
    return public_answer(session, request, application, body.lang)


@router.post("/status/answer", summary="Answer a question, by receipt")
def answer(body: AnswerIn, request: Request, session: SessionDep) -> dict:
    by_receipt(session, request, body.receipt)
    info.answer_info(session=session, receipt=body.receipt, request_id=body.request_id,
                     answer=body.answer)
    session.commit()
    _wake()
    application = info.application_by_receipt(session, body.receipt)
    return public_answer(session, request, application, body.lang)


@router.post("/status/documents", status_code=201,
             summary="Upload a document (report, answer attachment), by receipt",
             description="multipart: `receipt`, `purpose` (report | info_answer | ...), "
                         "`ref_id`, `file` (PDF, JPEG or PNG, at most 10 MB).")
def upload(request: Request, body: CappedUpload, session: SessionDep) -> Any:
    form = body.form()
    receipt = str(form.get("receipt") or "")
    purpose = str(form.get("purpose") or "report")[:32]
    ref_id = str(form.get("ref_id") or "")[:32] or None
    data = file_bytes(form)
    if data is None:
        raise Invalid("choose a file", fields={"file": "missing"})
    filename = getattr(form.get("file"), "filename", None)
    by_receipt(session, request, receipt)
    document = upload_document(session=session, receipt=receipt, purpose=purpose,
                               ref_id=ref_id, filename=filename, content=data)
    session.commit()
    return JSONResponse({"id": document.id, "purpose": document.purpose,
                         "mime": document.mime, "size": document.size}, status_code=201)
