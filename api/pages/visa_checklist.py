"""The visa officer's case pages beyond the basic moves: a new case seen before the panel
decides (open the checklist, or reject with a reason and a confirmation), several checklist
items marked in one submit, warnings overridden with a reason, the planned journey.
Included by api/pages/visas.py (its router carries these routes).
"""
from __future__ import annotations

from datetime import date
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import SessionDep
from api.pages.moves import as_list, in_her_words, posted, run_move
from api.pages.session import PageUser, deny_unless, staff_language, staff_page
from forms.web.common import countries
from api.posted import PostedForm
from models.applications.tables import Application
from models.core.errors import Invalid, NotFound
from models.relocation import repository as relocation_repo
from models.relocation.views import link_choices
from models.visas import desk
from models.visas import repository as repo
from models.visas import service
from models.visas.checklists import REFUSAL_REASONS
from models.visas.views import case_view
from models.visas.warnings import BLOCKS, OVERRIDE_REASONS, WORDS, overridden, warnings_of

router = APIRouter(include_in_schema=False)
VO = ("visa_officer", "admin")
BASE = "/staff/visas"
DONE = {"reviewed": "The panel's decision is recorded.", "item": "The checklist is updated.",
        "items": "The chosen documents are updated.",
        "approve": "The dossier is approved: it may be lodged.", "lodge": "Lodged.",
        "appointment": "The appointment is saved.", "decision": "The decision is recorded.",
        "travel": "The journey is recorded; follow-up check-ins are scheduled.",
        "linked": "The relocation is linked.", "override": "The warning is overridden; "
        "your reason is recorded.", "planned": "The planned journey is saved.",
        "rejected": "The case was rejected; the reason is recorded."}


def _country_names(request: Request, user: Any) -> dict[str, str]:
    return dict(countries(staff_language(request, user)))


def flash(request: Request) -> str | None:
    return DONE.get(request.query_params.get("done", ""))


def render_case(request: Request, session: SessionDep, user: Any, case_id: str, *,
                error: str | None = None, fields: dict | None = None,
                values: dict | None = None, status_code: int = 200) -> HTMLResponse:
    """One visa case: facts, warnings, checklist (with files), moves, relocation."""
    try:
        case = service.get_case(session, case_id, for_update=False)
    except NotFound:
        return staff_page(request, "staff/missing.html", user=user, status_code=404)
    application = session.get(Application, case.application_id)
    done = overridden(session, case.id)
    warnings = [{"code": w, "text": WORDS[w], "items": BLOCKS[w], "reason": done.get(w)}
                for w in warnings_of(session, case)]
    ctx = {"case": case_view(session, case, role=user.role),
           "error": in_her_words(request, user, error),
           "fields": fields or {}, "values": values or {}, "reasons": REFUSAL_REASONS,
           "override_reasons": OVERRIDE_REASONS, "warnings": warnings,
           "travel_planned": case.travel_planned,
           "relocation": relocation_repo.relocation_of(session, case.application_id),
           "choices": link_choices(session, application) if application else {},
           "siblings": repo.cases_of(session, case.application_id),
           "flash": in_her_words(request, user, flash(request)),
           "words": desk.WORDS, "countries": _country_names(request, user)}
    return staff_page(request, "staff/visa/case.html", ctx, user=user,
                      status_code=status_code)


def review_page(request: Request, session: SessionDep, user: Any, application_id: str, *,
            error: str | None = None, fields: dict | None = None, values: dict | None = None,
            status_code: int = 200) -> HTMLResponse:
    application = session.get(Application, application_id)
    if application is None or application.kind != "visa":
        return staff_page(request, "staff/missing.html", user=user, status_code=404)
    cases = repo.cases_of(session, application.id)
    return staff_page(request, "staff/visa/review.html", {
        "app": desk.review_view(session, application), "cases": cases,
        "reject_reasons": desk.REJECT_REASONS, "warning_words": WORDS,
        "rejected_for": desk.rejection_reason(session, application.id),
        "error": in_her_words(request, user, error), "fields": fields or {},
        "values": values or {}, "flash": in_her_words(request, user, flash(request)),
        "words": desk.WORDS, "countries": _country_names(request, user)},
        user=user, status_code=status_code)


@router.get(BASE + "/review/{application_id}", response_class=HTMLResponse)
def review_get(application_id: str, request: Request, session: SessionDep,
               user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, *VO) or review_page(request, session, user,
                                                          application_id)


@router.post(BASE + "/review/{application_id}/reject", response_class=HTMLResponse)
def reject(application_id: str, request: Request, body: PostedForm, session: SessionDep,
           user: PageUser) -> Any:
    denied = deny_unless(request, user, *VO)
    if denied:
        return denied
    form = posted(request, body)
    return run_move(session, lambda: desk.reject_review(
        session=session, application_id=application_id, reason=form.get("reason"),
        confirmed=form.get("confirm") == "yes", actor_id=user.id, actor_role=user.role),
        done_url=f"{BASE}/review/{application_id}?done=rejected",
        on_error=lambda m, f, s: review_page(request, session, user, application_id, error=m,
                                         fields=f, values=form, status_code=s))


def _case_action(request: Request, body: Any, session: SessionDep, user: Any, case_id: str,
                 move: Callable[[dict[str, Any]], Any], done: str) -> Any:
    """Role, CSRF, one move with the posted form; redirect, or the case again with the
    error and what she typed."""
    denied = deny_unless(request, user, *VO)
    if denied:
        return denied
    form = posted(request, body)
    return run_move(session, lambda: move(form), done_url=f"{BASE}/cases/{case_id}?done={done}",
                    on_error=lambda m, f, s: render_case(request, session, user, case_id,
                                                         error=m, fields=f, values=form,
                                                         status_code=s))


def _chosen(form: dict[str, Any]) -> tuple[Any, list[str]]:
    """A row's own button (`act` = state:item), or the ticked rows with the chosen state."""
    act = form.get("act")
    if isinstance(act, str) and ":" in act:
        state, item = act.split(":", 1)
        return state, [item]
    return form.get("state"), as_list(form.get("items"))


def _planned(form: dict[str, Any]) -> date:
    try:
        return date.fromisoformat(str(form.get("travel_planned", "")))
    except ValueError:
        raise Invalid("Give the planned date of the journey.",
                      fields={"travel_planned": "a date"}) from None


@router.post(BASE + "/cases/{case_id}/items", response_class=HTMLResponse)
def mark_items(case_id: str, request: Request, body: PostedForm, session: SessionDep,
               user: PageUser) -> Any:
    """The checklist's one form: several items accepted, rejected or waived at once."""
    return _case_action(request, body, session, user, case_id, lambda f: desk.mark_items(
        session=session, case_id=case_id, item_ids=_chosen(f)[1], state=_chosen(f)[0],
        actor_id=user.id), "items")


@router.post(BASE + "/cases/{case_id}/override", response_class=HTMLResponse)
def override(case_id: str, request: Request, body: PostedForm, session: SessionDep,
             user: PageUser) -> Any:
    return _case_action(request, body, session, user, case_id, lambda f: desk.override_warning(
        session=session, case_id=case_id, warning=f.get("warning"), reason=f.get("reason"),
        actor_id=user.id), "override")


@router.post(BASE + "/cases/{case_id}/plan", response_class=HTMLResponse)
def plan(case_id: str, request: Request, body: PostedForm, session: SessionDep,
         user: PageUser) -> Any:
    """The journey's date from the itinerary (checked against the lead time)."""
    return _case_action(request, body, session, user, case_id, lambda f: desk.plan_travel(
        session=session, case_id=case_id, on=_planned(f), actor_id=user.id), "planned")
