"""Visa officers' pages: cases with checklist progress, appointments and deadlines this week,
new cases for the panel (each opened and read before a decision), one case with every move,
and a relocation's timeline. The review, checklist marking and warnings live in
api/pages/visa_checklist.py (its routes are part of this router).
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import SessionDep
from api.pages import csrf, visa_checklist
from api.pages.moves import in_her_words, posted, run_move
from api.pages.session import PageUser, deny_unless, staff_page
from api.pages.visa_checklist import flash, render_case
from api.posted import CappedUpload, PostedForm
from api.upload import file_bytes
from models.applications.repository import staff_list
from models.core.errors import Invalid, NotFound
from models.desks.paging import Paging, matches, page_of_list
from models.desks.search import VISA_FIELDS, find_visa_cases
from models.relocation.service import create_relocation, get_relocation
from models.relocation.views import relocation_view
from models.visas import hooks  # noqa: F401 - the `visa_item` upload and next steps
from models.visas import desk
from models.visas import repository as repo
from models.visas import service
from models.visas.schemas import (AppointmentIn, DecisionIn, ItemStateIn, LodgeIn, ReviewIn,
                                  TravelIn)
from models.visas.views import officer_week, progress

router = APIRouter(include_in_schema=False)
router.include_router(visa_checklist.router)  # before the catch-all case moves below
VO = ("visa_officer", "admin")
BASE = "/staff/visas"


@router.get(BASE, response_class=HTMLResponse)
def visas_page(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    denied = deny_unless(request, user, *VO)
    if denied:
        return denied
    search = matches(request.query_params, *VISA_FIELDS)  # search and paging (issue 15)
    page = find_visa_cases(session, search=search, paging=Paging.read(request.query_params))
    cases = page.items
    items = repo.items_of(session, [c.id for c in cases])
    per_case = {c.id: progress([i for i in items if i.case_id == c.id]) for c in cases}
    waiting = staff_list(session, kinds=["visa"], statuses=["in_review"], kind=None,
                         status=None, limit=5000)
    review_page = page_of_list(waiting, Paging.read(  # its own pages: ?review_page=N
        {"page": request.query_params.get("review_page")}, per_page=20))
    review = review_page.items
    return staff_page(request, "staff/visa/list.html",
                      {"cases": cases, "page": page, "search": search,
                       "progress": per_case, "review": review, "review_page": review_page,
                       "words": desk.WORDS,
                       "flash": in_her_words(request, user, flash(request)),
                       **officer_week(session)}, user=user)


@router.post(BASE + "/review/{application_id}", response_class=HTMLResponse)
def review(application_id: str, request: Request, body: PostedForm, session: SessionDep,
           user: PageUser) -> Any:
    """The panel opens the checklists (a rejection has its own form: reason, confirmation)."""
    denied = deny_unless(request, user, *VO)
    if denied:
        return denied
    form = posted(request, body)

    def move() -> None:
        if ReviewIn.model_validate(form).decision != "approve":
            raise Invalid("A rejection needs a reason and your confirmation.",
                          fields={"reason": "choose a reason"})
        service.review(session=session, application_id=application_id, actor_id=user.id,
                       actor_role=user.role, decision="approve")

    response = run_move(session, move, done_url=BASE + "?done=reviewed",
                        on_error=lambda m, f, s: visa_checklist.review_page(
                            request, session, user, application_id, error=m, fields=f,
                            status_code=s))
    cases = repo.cases_of(session, application_id) if response.status_code == 303 else []
    if cases:  # straight to the defender's checklist
        response.headers["location"] = f"{BASE}/cases/{cases[0].id}?done=reviewed"
    return response


@router.get(BASE + "/cases/{case_id}", response_class=HTMLResponse)
def case_page(case_id: str, request: Request, session: SessionDep,
              user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, *VO) or render_case(request, session, user, case_id)


CASE_MOVES = {
    "item": lambda s, u, cid, f: service.set_item(
        session=s, case_id=cid, item_id=f.get("item_id", ""), actor_id=u.id,
        data=ItemStateIn.model_validate({k: v for k, v in f.items() if k != "item_id"})),
    "approve": lambda s, u, cid, f: service.approve_dossier(session=s, case_id=cid,
                                                            actor_id=u.id, actor_role=u.role),
    "lodge": lambda s, u, cid, f: service.lodge(session=s, case_id=cid, actor_id=u.id,
                                                actor_role=u.role,
                                                data=LodgeIn.model_validate(f)),
    "appointment": lambda s, u, cid, f: service.set_appointment(
        session=s, case_id=cid, actor_id=u.id, actor_role=u.role,
        data=AppointmentIn.model_validate(f)),
    "decision": lambda s, u, cid, f: service.decide(session=s, case_id=cid, actor_id=u.id,
                                                    actor_role=u.role,
                                                    data=DecisionIn.model_validate(f)),
    "travel": lambda s, u, cid, f: service.travel(session=s, case_id=cid, actor_id=u.id,
                                                  actor_role=u.role,
                                                  data=TravelIn.model_validate(f)),
}


def _case_error(request: Request, session: SessionDep, user: Any, case_id: str,
                form: dict[str, Any]) -> Any:
    return lambda m, f, s: render_case(request, session, user, case_id, error=m, fields=f,
                                       values=form, status_code=s)


@router.post(BASE + "/cases/{case_id}/upload", response_class=HTMLResponse)
def upload(case_id: str, request: Request, body: CappedUpload, session: SessionDep,
           user: PageUser) -> Any:
    """A document brought in person or by a partner, filed against its checklist item:
    the file makes the item "received"."""
    denied = deny_unless(request, user, *VO)
    if denied:
        return denied
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    content = file_bytes(form)
    item_id = str(form.get("item_id") or "")

    def move() -> None:
        if content is None:
            raise Invalid("Choose a file to upload.", fields={"file": "required"})
        service.file_for_item(session=session, case_id=case_id, item_id=item_id,
                              content=content, actor_id=user.id)

    return run_move(session, move, done_url=f"{BASE}/cases/{case_id}?done=item",
                    on_error=_case_error(request, session, user, case_id, {}))


@router.post(BASE + "/cases/{case_id}/{action}", response_class=HTMLResponse)
def case_move(case_id: str, action: str, request: Request, body: PostedForm,
              session: SessionDep, user: PageUser) -> Any:
    denied = deny_unless(request, user, *VO)
    if denied:
        return denied
    if action not in CASE_MOVES:
        return staff_page(request, "staff/missing.html", user=user, status_code=404)
    form = posted(request, body)
    return run_move(session, lambda: CASE_MOVES[action](session, user, case_id, form),
                    done_url=f"{BASE}/cases/{case_id}?done={action}",
                    on_error=_case_error(request, session, user, case_id, form))


@router.post("/staff/relocations", response_class=HTMLResponse)
def link_relocation(request: Request, body: PostedForm, session: SessionDep,
                    user: PageUser) -> Any:
    """Link the cases chosen from the defender's own list (no ids typed)."""
    denied = deny_unless(request, user, *VO, "shelter_coordinator", "caseworker")
    if denied:
        return denied
    form = posted(request, body)
    made: dict[str, Any] = {}

    def move() -> None:
        made["r"] = create_relocation(session=session, actor_id=user.id, application_ids={
            k: form.get(f"{k}_application_id") for k in ("visa", "shelter", "grant")})

    back = str(form.get("back_case") or "")
    response = run_move(session, move, done_url=BASE,
                        on_error=_case_error(request, session, user, back, form))
    if "r" in made and response.status_code == 303:
        response.headers["location"] = f"/staff/relocations/{made['r'].id}?done=linked"
    return response


@router.get("/staff/relocations/{relocation_id}", response_class=HTMLResponse)
def relocation_page(relocation_id: str, request: Request, session: SessionDep,
                    user: PageUser) -> HTMLResponse:
    denied = deny_unless(request, user, *VO, "shelter_coordinator", "caseworker")
    if denied:
        return denied
    try:
        view = relocation_view(session, get_relocation(session, relocation_id))
    except NotFound:
        return staff_page(request, "staff/missing.html", user=user, status_code=404)
    return staff_page(request, "staff/visa/relocation.html",
                      {"relocation": view, "words": desk.WORDS,
                       "flash": in_her_words(request, user, flash(request))},
                      user=user)
