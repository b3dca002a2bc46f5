"""Review and case pages: the reviewer's queue, the caseworker's list, one case with its
risk factors, votes so far, the vote form, the recusal button and the question form; the
casework around it (follow-ups, overrides, withdraw/close, notes, documents, payments) is
built by api/pages/casework_view.py and posted to api/pages/casework.py.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import SessionDep
from api.pages import csrf
from api.pages.casework_view import casework_context
from api.pages.lists import cases_list, queue_page_of  # search and paging (issue 15)
from api.pages.session import ROLE_LINKS, PageUser, deny_unless, staff_language, staff_page
from api.posted import PostedForm
from forms.words import N_
from models.applications.casework import answered_cases
from models.applications.tables import Application
from models.applications.workflow import WORKFLOWS
from models.core.errors import AmparoError, Invalid, NotFound
from models.people.tables import StaffUser
from models.reviews import repository as repo
from models.reviews.queue import case_clock, humanise, review_queue, votes_so_far
from models.reviews.service import cast_vote, may_review

router = APIRouter(include_in_schema=False)
CASE_ROLES = ("reviewer", "caseworker", "admin")
KINDS = tuple(WORKFLOWS)
STATUSES = tuple(dict.fromkeys(s for wf in WORKFLOWS.values() for s in wf.statuses))
# The flash after a post/redirect, as msgids: the template translates them (`done_message`).
DONE_MESSAGES = {"voted": N_("Your vote is recorded."),
                 "asked": N_("Your question was sent to the applicant."),
                 "recused": N_("You recused yourself: the case is no longer shown to you."),
                 "erased": N_("The person's personal data was erased."),
                 "overridden": N_("The override is recorded with its reason."),
                 "withdrawn": N_("The case is withdrawn."), "closed": N_("The case is closed."),
                 "noted": N_("Your note is saved."), "checkin": N_("The check-in is recorded."),
                 "report": N_("The report is recorded.")}


@router.get("/staff/queue", response_class=HTMLResponse)
def queue_page(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    denied = deny_unless(request, user, "reviewer")
    if denied:
        return denied
    items = review_queue(session=session, reviewer=user)
    answered = answered_cases(session, [item.application_id for item in items])
    return staff_page(request, "staff/queue.html",
                      {"items": items, "page": queue_page_of(items, request.query_params),
                       "answered": answered,
                       "humanise": humanise,
                       "done_message": DONE_MESSAGES.get(request.query_params.get("done", ""))},
                      user=user)


@router.get("/staff/cases", response_class=HTMLResponse)
def cases_page(request: Request, session: SessionDep, user: PageUser,
               kind: str | None = None, status: str | None = None) -> HTMLResponse:
    denied = deny_unless(request, user, "caseworker", "admin")
    if denied:
        return denied
    return cases_list(request, session, user)


def _visible_case(session: SessionDep, user: StaffUser, application_id: str) -> Application:
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("no such case")
    if user.role == "reviewer" and not may_review(session, application=application, reviewer=user):
        raise NotFound("no such case")  # recused or not on the panel: as if it did not exist
    return application


def _case_context(session: SessionDep, user: StaffUser, application: Application,
                  lang: str) -> dict[str, Any]:
    from models.applications.views import load_application_view

    view = load_application_view(session=session, application=application, role=user.role,
                                 viewer_id=user.id)
    my_vote = repo.vote_of(session, application_id=application.id, reviewer_id=user.id)
    return {**casework_context(session, user, application, lang),
            "case": view, "app": application, "clock": case_clock(application),
            "humanise": humanise, "votes": votes_so_far(session=session, application=application),
            "my_vote": my_vote, "user_role": user.role, "can_vote": user.role == "reviewer" and application.status == "in_review",
            "can_ask": application.status in ("in_review", "info_requested") or (
                user.role != "reviewer" and application.status in ("submitted", "needs_info"))}


def _case_response(request: Request, session: SessionDep, user: StaffUser, application_id: str,
                   *, error: str | None = None, fields: dict | None = None,
                   status_code: int = 200, typed: dict | None = None,
                   case_error: str | None = None) -> HTMLResponse:
    """The case page; after a refused post, with the error (`case_error`: a msgid the
    template translates) and what she typed kept."""
    try:
        application = _visible_case(session, user, application_id)
        context = _case_context(session, user, application, staff_language(request, user))
    except NotFound:
        return staff_page(request, "staff/missing.html", user=user, status_code=404)
    done = DONE_MESSAGES.get(request.query_params.get("done", ""))
    context.update(error=error, fields=fields or {}, done_message=done, typed=typed or {},
                   case_error=case_error)
    return staff_page(request, "staff/case.html", context, user=user, status_code=status_code)


@router.get("/staff/cases/{application_id}", response_class=HTMLResponse)
def case_page(application_id: str, request: Request, session: SessionDep,
              user: PageUser) -> HTMLResponse:
    if user.role not in CASE_ROLES and ROLE_LINKS.get(user.role):
        # A notice links every role here; other roles work on their own area's pages.
        return RedirectResponse(ROLE_LINKS[user.role][0][0], status_code=303)  # type: ignore[return-value]
    denied = deny_unless(request, user, *CASE_ROLES)
    return denied or _case_response(request, session, user, application_id)


@router.post("/staff/cases/{application_id}/vote", response_class=HTMLResponse)
def vote(application_id: str, request: Request, body: PostedForm, session: SessionDep,
         user: PageUser) -> HTMLResponse:
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    decision = str(form.get("decision") or "")
    try:
        _visible_case(session, user, application_id)
        cast_vote(session=session, application_id=application_id, reviewer=user,
                  decision=decision, amount=str(form.get("amount") or "").strip() or None,
                  comment=str(form.get("comment") or "") or None)
        session.commit()
    except AmparoError as exc:
        session.rollback()
        return _case_response(request, session, user, application_id, error=exc.message,
                              fields=exc.fields, status_code=exc.http_status)
    if decision == "recuse":
        return RedirectResponse("/staff/queue?done=recused", status_code=303)  # type: ignore[return-value]
    return RedirectResponse(f"/staff/cases/{application_id}?done=voted", status_code=303)  # type: ignore[return-value]


@router.post("/staff/cases/{application_id}/info", response_class=HTMLResponse)
def ask(application_id: str, request: Request, body: PostedForm, session: SessionDep,
        user: PageUser) -> HTMLResponse:
    from models.applications.info import request_info

    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    denied = deny_unless(request, user, *CASE_ROLES)
    if denied:
        return denied
    try:
        application = _visible_case(session, user, application_id)
        request_info(session=session, application=application, staff=user,
                     question=str(form.get("question") or ""))
        session.commit()
    except AmparoError as exc:
        session.rollback()
        return _case_response(request, session, user, application_id, error=exc.message,
                              fields=exc.fields, status_code=exc.http_status)
    return RedirectResponse(f"/staff/cases/{application_id}?done=asked", status_code=303)  # type: ignore[return-value]


@router.post("/staff/cases/{application_id}/erase", response_class=HTMLResponse)
def erase(application_id: str, request: Request, body: PostedForm, session: SessionDep,
          user: PageUser) -> HTMLResponse:
    from models.applications.erasure import erase_application_person

    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    denied = deny_unless(request, user, "admin")
    if denied:
        return denied
    try:
        if form.get("confirm") != "yes":
            raise Invalid("tick the box to confirm", fields={"confirm": "required"})
        erase_application_person(session=session, application_id=application_id,
                                 actor_id=user.id)
        session.commit()
    except AmparoError as exc:
        session.rollback()
        return _case_response(request, session, user, application_id, error=exc.message,
                              fields=exc.fields, status_code=exc.http_status)
    return RedirectResponse(f"/staff/cases/{application_id}?done=erased", status_code=303)  # type: ignore[return-value]
