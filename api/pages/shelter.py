"""Shelter coordinators' pages: the desk (houses, holds about to expire, arrivals and
departures, cases to match — critical first), a house with its occupancy calendar, adding
a house, and one case: ranked houses, hold, confirm, check-in, extension, check-out.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import SessionDep
from api.pages.moves import as_list, in_her_words, posted, run_move
from api.pages.session import PageUser, deny_unless, staff_page
from api.posted import PostedForm
from models.applications.followups import complete_checkin
from models.applications.repository import followups_of
from models.applications.tables import Application
from models.core.base import utcnow
from models.core.errors import AmparoError, NotFound
from models.desks.paging import Paging
from models.desks.paging import matches as search_fields
from models.desks.search import MATCHING_FIELDS, find_matching
from models.shelter import repository as repo
from models.shelter import stays
from forms.web.common import LANGUAGE_NAMES
from models.shelter.casework import (FEATURE_WORDS, STATUS_WORDS, calendar_weeks, case_details,
                                     readable)
from models.shelter.schemas import CheckOutIn, ClosedNightsIn, ExtendIn, HoldIn, ShelterIn
from models.shelter.service import (create_shelter, get_shelter, matches, need_of,
                                    place_hold, release_hold, set_closed_nights)
from models.shelter.tables import FEATURES, Shelter
from models.shelter.views import desk, free_by_night, shelter_view
from models.visas import hooks  # noqa: F401 - next steps on the applicant's status page

router = APIRouter(include_in_schema=False)
SC = "shelter_coordinator"
BASE = "/staff/shelters"
DONE = {"added": "The house was added.", "held": "Beds are held.", "confirmed":
        "The placement is confirmed.", "released": "The hold was released.",
        "checked_in": "Checked in.", "extended": "The stay was extended.",
        "checked_out": "Checked out; follow-up check-ins are scheduled.",
        "nights": "The calendar was updated.", "followed_up": "The check-in is recorded."}


def _flash(request: Request) -> str | None:
    return DONE.get(request.query_params.get("done", ""))


@router.get(BASE, response_class=HTMLResponse)
def desk_page(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    denied = deny_unless(request, user, SC)
    if denied:
        return denied
    houses = repo.shelters(session)
    today = utcnow().date()
    free = free_by_night(session, houses, today, 14)
    names = {h.id: h.name for h in houses}
    return staff_page(request, "staff/shelter/desk.html",
                      {"houses": houses, "free": free, "names": names, "today": today,
                       "flash": in_her_words(request, user, _flash(request)), **desk(session),
                       **_queue_page(request, session)}, user=user)


def _queue_page(request: Request, session: SessionDep) -> dict:
    """The cases to match by pages, searched by id and country (issue 15)."""
    search = search_fields(request.query_params, *MATCHING_FIELDS)
    page = find_matching(session, search=search, paging=Paging.read(request.query_params))
    return {"queue": page.items, "page": page, "search": search}


@router.get(BASE + "/new", response_class=HTMLResponse)
def new_house_page(request: Request, user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, SC) or _new_house(request, user, {}, None, {})


def _new_house(request: Request, user: Any, values: dict, error: str | None,
               fields: dict, status_code: int = 200) -> HTMLResponse:
    return staff_page(request, "staff/shelter/new.html",
                      {"values": values, "error": error, "fields": fields,
                       "features": FEATURES}, user=user, status_code=status_code)


@router.post(BASE + "/new", response_class=HTMLResponse)
def add_house(request: Request, body: PostedForm, session: SessionDep, user: PageUser) -> Any:
    denied = deny_unless(request, user, SC)
    if denied:
        return denied
    form = posted(request, body)
    form["features"] = as_list(form.get("features"))
    form["languages"] = as_list(form.get("languages"))
    made: dict[str, Shelter] = {}

    def move() -> None:
        made["house"] = create_shelter(session=session, data=ShelterIn.model_validate(form),
                                       actor_id=user.id)

    response = run_move(session, move, done_url=BASE + "?done=added", on_error=lambda m, f, s:
                        _new_house(request, user, form, m, f, s))
    if "house" in made and response.status_code == 303:
        response.headers["location"] = f"{BASE}/{made['house'].id}?done=added"
    return response


def _house(request: Request, session: SessionDep, user: Any, shelter_id: str, *,
           error: str | None = None, status_code: int = 200) -> HTMLResponse:
    try:
        house = get_shelter(session, shelter_id)
    except NotFound:
        return staff_page(request, "staff/missing.html", user=user, status_code=404)
    start = _date(request.query_params.get("from")) or utcnow().date()
    nights = free_by_night(session, [house], start, 28)[house.id]
    return staff_page(request, "staff/shelter/house.html",
                      {"house": shelter_view(house, private=True), "nights": nights,
                       "weeks": calendar_weeks(nights), "words": FEATURE_WORDS,
                       "start": start, "prev": start - timedelta(days=28),
                       "next": start + timedelta(days=28),
                       "error": in_her_words(request, user, error),
                       "flash": in_her_words(request, user, _flash(request))},
                      user=user, status_code=status_code)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get(BASE + "/{shelter_id}", response_class=HTMLResponse)
def house_page(shelter_id: str, request: Request, session: SessionDep,
               user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, SC) or _house(request, session, user, shelter_id)


@router.post(BASE + "/{shelter_id}/nights", response_class=HTMLResponse)
def close_nights(shelter_id: str, request: Request, body: PostedForm, session: SessionDep,
                 user: PageUser) -> Any:
    denied = deny_unless(request, user, SC)
    if denied:
        return denied
    form = posted(request, body)
    form["closed"] = form.get("closed") == "1"
    return run_move(session, lambda: set_closed_nights(
        session=session, shelter_id=shelter_id, data=ClosedNightsIn.model_validate(form),
        actor_id=user.id), done_url=f"{BASE}/{shelter_id}?done=nights",
        on_error=lambda m, f, s: _house(request, session, user, shelter_id, error=m,
                                        status_code=s))


def _case(request: Request, session: SessionDep, user: Any, application_id: str, *,
          error: str | None = None, fields: dict | None = None, values: dict | None = None,
          status_code: int = 200) -> HTMLResponse:
    application = session.get(Application, application_id)
    if application is None or application.kind != "shelter":
        return staff_page(request, "staff/missing.html", user=user, status_code=404)
    ctx: dict[str, Any] = {"app": application, "error": error, "fields": fields or {},
                           "flash": in_her_words(request, user, _flash(request)),
                           "ranked": [], "need": None,
                           "values": values or {}, "words": {**FEATURE_WORDS, **STATUS_WORDS},
                           "language_names": dict(LANGUAGE_NAMES),
                           "her": case_details(session, application)}
    try:
        ctx["need"] = need_of(session, application)
        if application.status == "matching":
            houses = {h.id: h for h in repo.shelters(session)}
            ctx["ranked"] = readable(matches(session=session, application=application,
                                             include_refused=True), houses, ctx["need"])
    except AmparoError as exc:
        ctx["error"] = ctx["error"] or exc.message
    ctx["error"] = in_her_words(request, user, ctx["error"])
    ctx["hold"] = repo.active_hold_of(session, application.id)
    placements = repo.placements_of(session, application.id)
    ctx["placement"] = placements[-1] if placements else None
    ctx["names"] = {h.id: h.name for h in repo.shelters(session, active_only=False)}
    ctx["followups"] = [f for f in followups_of(session, application.id) if f.kind == "checkin"]
    return staff_page(request, "staff/shelter/case.html", ctx, user=user,
                      status_code=status_code)


@router.get(BASE + "/cases/{application_id}", response_class=HTMLResponse)
def case_page(application_id: str, request: Request, session: SessionDep,
              user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, SC) or _case(request, session, user, application_id)


CASE_MOVES = {
    "hold": lambda s, u, app, f: place_hold(session=s, application_id=app, actor_id=u.id,
                                            actor_role=u.role, data=HoldIn.model_validate(f)),
    "confirm": lambda s, u, app, f: stays.confirm_hold(session=s, hold_id=f.get("hold_id", ""),
                                                       actor_id=u.id, actor_role=u.role),
    "release": lambda s, u, app, f: release_hold(session=s, hold_id=f.get("hold_id", ""),
                                                 actor_id=u.id, actor_role=u.role),
    "check_in": lambda s, u, app, f: stays.check_in(
        session=s, placement_id=f.get("placement_id", ""), actor_id=u.id, actor_role=u.role),
    "extend": lambda s, u, app, f: stays.extend(
        session=s, placement_id=f.get("placement_id", ""), actor_id=u.id,
        nights=ExtendIn.model_validate({"nights": f.get("nights")}).nights),
    "check_out": lambda s, u, app, f: stays.check_out(
        session=s, placement_id=f.get("placement_id", ""), actor_id=u.id, actor_role=u.role,
        on_date=CheckOutIn.model_validate({"on_date": f.get("on_date")}).on_date),
    "followed_up": lambda s, u, app, f: complete_checkin(
        session=s, followup_id=f.get("followup_id", ""), staff=u),
}
DONE_KEY = {"hold": "held", "confirm": "confirmed", "release": "released",
            "check_in": "checked_in", "extend": "extended", "check_out": "checked_out",
            "followed_up": "followed_up"}


@router.post(BASE + "/cases/{application_id}/{action}", response_class=HTMLResponse)
def case_move(application_id: str, action: str, request: Request, body: PostedForm,
              session: SessionDep, user: PageUser) -> Any:
    denied = deny_unless(request, user, SC)
    if denied:
        return denied
    if action not in CASE_MOVES:
        return staff_page(request, "staff/missing.html", user=user, status_code=404)
    form = posted(request, body)
    return run_move(session, lambda: CASE_MOVES[action](session, user, application_id, form),
                    done_url=f"{BASE}/cases/{application_id}?done={DONE_KEY[action]}",
                    on_error=lambda m, f, s: _case(request, session, user, application_id,
                                                   error=m, fields=f, values=form,
                                                   status_code=s))
