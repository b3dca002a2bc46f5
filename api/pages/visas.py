"""Visa officers' pages: cases with checklist progress, appointments and deadlines this week,
the panel's review of new cases, one case with every move, and a relocation's timeline.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import SessionDep
from api.pages import csrf
from api.pages.moves import posted, run_move
from api.pages.session import PageUser, deny_unless, staff_page
from api.posted import CappedUpload, PostedForm
from api.upload import file_bytes
from models.applications.repository import staff_list
from models.core.errors import Invalid, NotFound
from models.relocation import repository as relocation_repo
from models.relocation.service import create_relocation, get_relocation
from models.relocation.views import relocation_view
from models.visas import hooks  # noqa: F401 - the `visa_item` upload and next steps
from models.visas import repository as repo
from models.visas import service
from models.visas.checklists import REFUSAL_REASONS
from models.visas.schemas import (AppointmentIn, DecisionIn, ItemStateIn, LodgeIn, ReviewIn,
                                  TravelIn)
from models.visas.views import case_view, officer_week, progress

router = APIRouter(include_in_schema=False)
VO = ("visa_officer", "admin")
BASE = "/staff/visas"
DONE = {"reviewed": "The panel's decision is recorded.", "item": "The checklist is updated.",
        "approve": "The dossier is approved: it may be lodged.", "lodge": "Lodged.",
        "appointment": "The appointment is saved.", "decision": "The decision is recorded.",
        "travel": "The journey is recorded; follow-up check-ins are scheduled.",
        "linked": "The relocation is linked."}


@router.get(BASE, response_class=HTMLResponse)
def visas_page(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    denied = deny_unless(request, user, *VO)
    if denied:
        return denied
    cases = repo.open_cases(session)
    items = repo.items_of(session, [c.id for c in cases])
    per_case = {c.id: progress([i for i in items if i.case_id == c.id]) for c in cases}
    review = staff_list(session, kinds=["visa"], statuses=["in_review"], kind=None, status=None)
    return staff_page(request, "staff/visa/list.html",
                      {"cases": cases, "progress": per_case, "review": review,
                       "flash": DONE.get(request.query_params.get("done", "")),
                       **officer_week(session)}, user=user)


@router.post(BASE + "/review/{application_id}", response_class=HTMLResponse)
def review(application_id: str, request: Request, body: PostedForm, session: SessionDep,
           user: PageUser) -> Any:
    denied = deny_unless(request, user, *VO)
    if denied:
        return denied
    form = posted(request, body)
    return run_move(session, lambda: service.review(
        session=session, application_id=application_id, actor_id=user.id, actor_role=user.role,
        decision=ReviewIn.model_validate(form).decision), done_url=BASE + "?done=reviewed",
        on_error=lambda m, f, s: staff_page(request, "staff/visa/list.html",
                                            {"cases": [], "review": [], "error": m,
                                             "appointments": [], "deadlines": [],
                                             "progress": {}}, user=user, status_code=s))


def _case(request: Request, session: SessionDep, user: Any, case_id: str, *,
          error: str | None = None, fields: dict | None = None,
          status_code: int = 200) -> HTMLResponse:
    try:
        case = service.get_case(session, case_id, for_update=False)
    except NotFound:
        return staff_page(request, "staff/missing.html", user=user, status_code=404)
    relocation = relocation_repo.relocation_of(session, case.application_id)
    return staff_page(request, "staff/visa/case.html",
                      {"case": case_view(session, case, role=user.role), "error": error,
                       "fields": fields or {}, "reasons": REFUSAL_REASONS,
                       "relocation": relocation,
                       "siblings": repo.cases_of(session, case.application_id),
                       "flash": DONE.get(request.query_params.get("done", ""))},
                      user=user, status_code=status_code)


@router.get(BASE + "/cases/{case_id}", response_class=HTMLResponse)
def case_page(case_id: str, request: Request, session: SessionDep,
              user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, *VO) or _case(request, session, user, case_id)


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


@router.post(BASE + "/cases/{case_id}/upload", response_class=HTMLResponse)
def upload(case_id: str, request: Request, body: CappedUpload, session: SessionDep,
           user: PageUser) -> Any:
    """A document brought in person or by a partner, filed against its checklist item."""
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
                    on_error=lambda m, f, s: _case(request, session, user, case_id, error=m,
                                                   fields=f, status_code=s))


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
                    on_error=lambda m, f, s: _case(request, session, user, case_id, error=m,
                                                   fields=f, status_code=s))


@router.post("/staff/relocations", response_class=HTMLResponse)
def link_relocation(request: Request, body: PostedForm, session: SessionDep,
                    user: PageUser) -> Any:
    denied = deny_unless(request, user, *VO, "shelter_coordinator", "caseworker")
    if denied:
        return denied
    form = posted(request, body)
    made: dict[str, Any] = {}

    def move() -> None:
        made["r"] = create_relocation(session=session, actor_id=user.id, application_ids={
            k: form.get(f"{k}_application_id") for k in ("visa", "shelter", "grant")})

    back = str(form.get("back_case") or "")
    response = run_move(session, move, done_url=BASE, on_error=lambda m, f, s: _case(
        request, session, user, back, error=m, fields=f, status_code=s))
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
                      {"relocation": view, "flash": DONE.get(request.query_params.get("done",
                                                                                        ""))},
                      user=user)
