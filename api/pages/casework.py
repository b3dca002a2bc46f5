"""The caseworker's actions on the case page (issue 15): override "not eligible" or "possible
duplicate" with a reason, withdraw or close with a reason and a confirmation, notes,
check-ins and the report, and her documents for download (roles that may see them).

Every POST: CSRF first, then the role, then one domain move (models/applications/casework.py)
committed, then a redirect; a refusal shows the case again with the error and what was typed.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.pages import csrf
from api.pages.casework_view import DOC_ROLES
from api.pages.session import PageUser, deny_unless, staff_page
from api.pages.staff_cases import _case_response, _visible_case
from api.posted import PostedForm
from forms.words import N_
from models.applications import casework
from models.applications.documents import read_document
from models.applications.notes import NOTE_ROLES, add_note
from models.applications.tables import Document
from models.core.errors import AmparoError, Invalid, NotFound
from models.people.tables import StaffUser

router = APIRouter(include_in_schema=False)
ROLES = tuple(sorted(NOTE_ROLES))
# Refusals in words (codes of models/core/errors.py and of the casework moves).
ERRORS = {
    "invalid": N_("Please correct the marked field."),
    "illegal_transition": N_("This cannot be done at the case's current stage."),
    "forbidden": N_("Your role may not do this."),
    "not_found": N_("This item does not exist (any more)."),
    "not_flagged": N_("This case is not flagged as a possible duplicate."),
    "already_overridden": N_("The flag was already set aside."),
    "already_done": N_("This is already recorded."),
    "cancelled": N_("This follow-up was cancelled when the case closed."),
    "erased": N_("The person's data was erased: nothing can be added."),
    "confirm": N_("Tick the box to confirm."),
}
MIME_EXT = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _typed(form: Any, form_name: str, *keys: str) -> dict[str, str]:
    return {"form": form_name, **{k: str(form.get(k) or "")[:4000] for k in keys}}


def _act(request: Request, session: SessionDep, user: StaffUser, application_id: str,
         move: Callable[[], Any], *, done: str, typed: dict[str, str]) -> Response:
    """Run one move for a case this person may see; commit and redirect, or show the refusal."""
    try:
        _visible_case(session, user, application_id)
        move()
        session.commit()
    except AmparoError as exc:
        session.rollback()
        return _case_response(request, session, user, application_id,
                              case_error=ERRORS.get(exc.code, exc.message),
                              fields=exc.fields,
                              status_code=exc.http_status, typed=typed)
    return RedirectResponse(f"/staff/cases/{application_id}?done={done}#top", status_code=303)


def _form(request: Request, body: PostedForm, user: StaffUser) -> tuple[Any, HTMLResponse | None]:
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    return form, deny_unless(request, user, *ROLES)


def _confirmed(form: Any) -> None:
    if form.get("confirm") != "yes":
        raise Invalid("tick the box to confirm", code="confirm",
                      fields={"confirm": "required"})


@router.post("/staff/cases/{application_id}/override", response_class=HTMLResponse)
def override(application_id: str, request: Request, body: PostedForm, session: SessionDep,
             user: PageUser) -> Response:
    form, denied = _form(request, body, user)
    if denied:
        return denied
    what = str(form.get("what") or "")
    reason = str(form.get("reason") or "")
    moves = {"ineligible": casework.override_ineligible,
             "duplicate": casework.override_duplicate}

    def move() -> None:
        if what not in moves:
            raise Invalid("choose what to override", fields={"what": "unknown"})
        moves[what](session=session, application_id=application_id, staff=user, reason=reason)

    return _act(request, session, user, application_id, move, done="overridden",
                typed=_typed(form, f"override-{what}", "reason"))


def _ending(target: str) -> Callable[..., Response]:
    move_of = {"withdrawn": casework.withdraw_case, "closed": casework.close_case}[target]

    def route(application_id: str, request: Request, body: PostedForm, session: SessionDep,
              user: PageUser) -> Response:
        form, denied = _form(request, body, user)
        if denied:
            return denied

        def move() -> None:
            _confirmed(form)
            move_of(session=session, application_id=application_id, staff=user,
                    reason=str(form.get("reason") or ""))

        return _act(request, session, user, application_id, move, done=target,
                    typed=_typed(form, target, "reason", "confirm"))
    return route


router.add_api_route("/staff/cases/{application_id}/withdraw", _ending("withdrawn"),
                     methods=["POST"], response_class=HTMLResponse)
router.add_api_route("/staff/cases/{application_id}/close", _ending("closed"),
                     methods=["POST"], response_class=HTMLResponse)


@router.post("/staff/cases/{application_id}/notes", response_class=HTMLResponse)
def note(application_id: str, request: Request, body: PostedForm, session: SessionDep,
         user: PageUser) -> Response:
    form, denied = _form(request, body, user)
    if denied:
        return denied

    def move() -> None:
        application = _visible_case(session, user, application_id)
        add_note(session=session, application=application, author_id=user.id, role=user.role,
                 text=str(form.get("note") or ""))

    return _act(request, session, user, application_id, move, done="noted",
                typed=_typed(form, "note", "note"))


def _followup_of(session: SessionDep, application_id: str, followup_id: str) -> None:
    from models.applications.tables import FollowUp
    followup = session.get(FollowUp, followup_id)
    if followup is None or followup.application_id != application_id:
        raise NotFound("follow-up not found")


@router.post("/staff/cases/{application_id}/followups/{followup_id}/done",
             response_class=HTMLResponse)
def checkin(application_id: str, followup_id: str, request: Request, body: PostedForm,
            session: SessionDep, user: PageUser) -> Response:
    form, denied = _form(request, body, user)
    if denied:
        return denied

    def move() -> None:
        _followup_of(session, application_id, followup_id)
        casework.record_checkin(session=session, followup_id=followup_id, staff=user,
                                note=str(form.get("note") or "")[:4000])

    return _act(request, session, user, application_id, move, done="checkin",
                typed=_typed(form, f"checkin-{followup_id}", "note"))


@router.post("/staff/cases/{application_id}/followups/{followup_id}/report",
             response_class=HTMLResponse)
def report(application_id: str, followup_id: str, request: Request, body: PostedForm,
           session: SessionDep, user: PageUser) -> Response:
    form, denied = _form(request, body, user)
    if denied:
        return denied

    def move() -> None:
        _followup_of(session, application_id, followup_id)
        casework.record_report(session=session, followup_id=followup_id, staff=user,
                               summary=str(form.get("summary") or ""))

    return _act(request, session, user, application_id, move, done="report",
                typed=_typed(form, f"report-{followup_id}", "summary"))


@router.get("/staff/cases/{application_id}/documents/{document_id}")
def download(application_id: str, document_id: str, request: Request, session: SessionDep,
             user: PageUser) -> Response:
    """Her file, for caseworkers, admins and the case's reviewers; 404 for anything else."""
    denied = deny_unless(request, user, *DOC_ROLES)
    if denied:
        return denied
    document = session.get(Document, document_id[:32])
    try:
        _visible_case(session, user, application_id[:32])
        if document is None or document.application_id != application_id:
            raise NotFound("document not found")
        content = read_document(session=session, document=document)
    except NotFound:
        content = None
    if content is None or document is None:
        return staff_page(request, "staff/missing.html", user=user, status_code=404)
    name = f"document-{document.id[:8]}.{MIME_EXT.get(document.mime, 'bin')}"
    return Response(content, media_type=document.mime, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})
