"""The admin's programme pages: /staff/programmes (every programme, its version and state)
and /staff/programmes/{slug} (the main rules in a form; each save is a new version with a
reason, through the same service and checks as `PATCH /api/v1/programmes/{slug}`)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.deps import SessionDep
from api.pages import csrf
from api.pages.session import PageUser, deny_unless, staff_page
from api.posted import PostedForm
from models.applications.schemas import pydantic_fields
from models.core.errors import Invalid
from models.money.payout_rules import RAIL_FIELDS
from models.people.tables import StaffUser
from models.programmes import repository
from models.programmes.schemas import LEVELS, ProgrammePatch
from api.pages.programme_new import split_list
from models.programmes.service import (change_programme, panel_json, programme_json,
                                       version_json)
from models.programmes.tables import DEFAULT_CLOCK_HOURS

router = APIRouter(include_in_schema=False)
NUMBERS = ("cap", "finance_single_approval_max", "tranche_above", "budget", "quorum",
           "fast_track_approvals", "tranche_first_percent", "report_days", "hold_hours",
           "duplicate_window_days")
LISTS = ("countries", "followup_days", "excluded_costs")  # typed as "GT, HN" or one a line
CLOCKS = tuple(DEFAULT_CLOCK_HOURS)
TEXTS = ("name", "currency", "reason")


@router.get("/staff/programmes", response_class=HTMLResponse)
def programmes(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, "admin") or staff_page(
        request, "staff/programmes/list.html",
        {"programmes": [programme_json(p) for p in repository.programmes(session)]}, user=user)


def _values(programme: dict[str, Any]) -> dict[str, str]:
    values = {k: "" if programme.get(k) is None else str(programme[k]) for k in NUMBERS + TEXTS}
    values.update({f"hours_{level}": str(programme["decision_hours"][level])
                   for level in LEVELS})
    values["kinds"] = programme["kinds"]  # type: ignore[assignment]
    values["active"] = "on" if programme["active"] else ""
    values["payout_rails"] = programme.get("payout_rails") or list(RAIL_FIELDS)  # type: ignore[assignment]
    values.update({k: ", ".join(str(v) for v in programme.get(k) or []) for k in LISTS})
    values.update({f"clock_{state}": str((programme.get("clock_hours") or {}).get(state, ""))
                   for state in CLOCKS})
    return values


def _edit_page(request: Request, session: SessionDep, user: StaffUser, slug: str, *,
               values: dict[str, Any] | None = None, problems: dict[str, str] | None = None,
               status_code: int = 200) -> HTMLResponse:
    programme = repository.by_slug(session, slug)
    if programme is None:
        return staff_page(request, "staff/programmes/missing.html", user=user, status_code=404)
    shown = programme_json(programme)
    return staff_page(request, "staff/programmes/edit.html", {
        "programme": shown, "values": values or _values(shown), "problems": problems or {},
        "levels": LEVELS, "kinds": ("grant", "shelter", "visa"), "rails": list(RAIL_FIELDS),
        "panel": panel_json(session, programme),
        "versions": [version_json(v) for v in reversed(repository.versions(session,
                                                                           programme.id))],
        "saved": request.query_params.get("done") == "saved",
        "created": request.query_params.get("done") == "created"},
        user=user, status_code=status_code)


@router.get("/staff/programmes/{slug}", response_class=HTMLResponse)
def programme(request: Request, slug: str, session: SessionDep, user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, "admin") or _edit_page(request, session, user, slug[:64])


def _patch(form: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The posted form -> (what was typed, the PATCH body). Blank optional amounts: none."""
    values: dict[str, Any] = {k: str(form.get(k) or "")[:500].strip() for k in NUMBERS + TEXTS}
    values.update({f"hours_{level}": str(form.get(f"hours_{level}") or "")[:10].strip()
                   for level in LEVELS})
    values["kinds"] = [str(k) for k in form.getlist("kinds")][:3]
    values["active"] = "on" if form.get("active") else ""
    values["payout_rails"] = [str(r) for r in form.getlist("payout_rails")][:6]
    body: dict[str, Any] = {k: values[k] for k in TEXTS}
    if form.get("payout_rails_shown"):  # the form had the boxes (none ticked: refused)
        # every rail ticked: none set (a rail her country gains later is offered too)
        body["payout_rails"] = None if set(values["payout_rails"]) == set(RAIL_FIELDS) \
            else values["payout_rails"]
    for k in NUMBERS:
        if values[k] or k not in ("tranche_above", "budget"):
            body[k] = values[k] or None
        else:
            body[k] = None
    body["decision_hours"] = {level: values[f"hours_{level}"] or None for level in LEVELS}
    _more_rules(form, values, body)
    body["kinds"] = values["kinds"]
    body["active"] = bool(values["active"])
    return values, body


def _more_rules(form: Any, values: dict[str, Any], body: dict[str, Any]) -> None:
    """Countries served (empty: any), follow-up days and costs never paid (empty: none), and
    the waiting clocks (a blank one keeps its hours) — when the form had them."""
    if not form.get("more_rules_shown"):
        return
    for key in LISTS:
        values[key] = str(form.get(key) or "")[:2000].strip()
        items = split_list(values[key])
        body[key] = items if items or key != "countries" else None
    clocks = {}
    for state in CLOCKS:
        values[f"clock_{state}"] = str(form.get(f"clock_{state}") or "")[:10].strip()
        if values[f"clock_{state}"]:
            clocks[state] = values[f"clock_{state}"]
    if clocks:
        body["clock_hours"] = clocks


@router.post("/staff/programmes/{slug}", response_class=HTMLResponse)
def save_programme(request: Request, slug: str, body: PostedForm, session: SessionDep,
                   user: PageUser) -> Response:
    denied = deny_unless(request, user, "admin")
    if denied:
        return denied
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    slug = slug[:64]
    values, patch = _patch(form)
    try:
        change_programme(session, slug=slug, data=ProgrammePatch.model_validate(patch),
                         actor_id=user.id)
        session.commit()
    except ValidationError as exc:
        session.rollback()
        problems = {k.split(".")[0]: v for k, v in reversed(pydantic_fields(exc).items())}
        return _edit_page(request, session, user, slug, values=values, problems=problems,
                          status_code=422)
    except Invalid as exc:
        session.rollback()
        return _edit_page(request, session, user, slug, values=values,
                          problems=exc.fields or {"form": exc.message}, status_code=422)
    return RedirectResponse(f"/staff/programmes/{slug}?done=saved", status_code=303)
