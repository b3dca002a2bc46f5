"""/staff/programmes/new: the admin creates a programme from a page — its name and address,
currency and cap, kinds of help, panel rules, the countries it serves, follow-up days and
costs it never pays — through the same service and checks as `POST /api/v1/programmes`.
Every other rule starts from the demo programme's and is changed on the programme's page."""
from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.deps import SessionDep
from api.pages.session import PageUser, checked_form, deny_unless, staff_page
from api.posted import PostedForm
from models.applications.schemas import pydantic_fields
from models.core.errors import Conflict, Invalid
from models.people.tables import StaffUser
from models.programmes.schemas import ProgrammeIn
from models.programmes.service import create_programme

router = APIRouter(include_in_schema=False)
TEXTS = ("slug", "name", "currency", "cap", "quorum", "fast_track_approvals", "countries",
         "followup_days", "excluded_costs")
KINDS = ("grant", "shelter", "visa")
EMPTY = {"slug": "", "name": "", "currency": "EUR", "cap": "", "quorum": "3",
         "fast_track_approvals": "2", "countries": "", "followup_days": "7, 30",
         "excluded_costs": "", "kinds": ["grant"]}


def split_list(text: str) -> list[str]:
    """"GT, HN MX" or one a line -> ["GT", "HN", "MX"]."""
    return [part for part in re.split(r"[\s,;]+", text.strip()) if part]


def to_body(values: dict[str, Any]) -> dict[str, Any]:
    """What was typed -> the POST body of the API (blank optional fields: left out)."""
    body: dict[str, Any] = {k: values[k] for k in ("slug", "name", "currency", "cap")}
    body["kinds"] = values["kinds"]
    for key in ("quorum", "fast_track_approvals"):
        if values[key]:
            body[key] = values[key]
    if values["countries"]:
        body["countries"] = split_list(values["countries"])
    if values["followup_days"]:
        body["followup_days"] = split_list(values["followup_days"])
    if values["excluded_costs"]:
        body["excluded_costs"] = split_list(values["excluded_costs"])
    return body


def _page(request: Request, user: StaffUser, *, values: dict[str, Any] | None = None,
          problems: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    return staff_page(request, "staff/programmes/new.html", {
        "values": values or EMPTY, "problems": problems or {}, "kinds": KINDS},
        user=user, status_code=status_code)


@router.get("/staff/programmes/new", response_class=HTMLResponse)
def new_programme(request: Request, user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, "admin") or _page(request, user)


@router.post("/staff/programmes/new", response_class=HTMLResponse)
def create(request: Request, body: PostedForm, session: SessionDep, user: PageUser) -> Response:
    denied, form = checked_form(request, body, user, "admin")
    if denied:
        return denied
    values: dict[str, Any] = {k: str(form.get(k) or "")[:2000].strip() for k in TEXTS}
    values["kinds"] = [k for k in form.getlist("kinds") if k in KINDS]
    try:
        data = ProgrammeIn.model_validate(to_body(values))
        programme = create_programme(session, data=data, actor_id=user.id)
        session.commit()
    except ValidationError as exc:
        session.rollback()
        problems = {k.split(".")[0]: "invalid" for k in pydantic_fields(exc)}
        return _page(request, user, values=values, problems=problems, status_code=422)
    except Conflict:
        session.rollback()
        return _page(request, user, values=values, problems={"slug": "taken"}, status_code=409)
    except Invalid as exc:
        session.rollback()
        return _page(request, user, values=values, status_code=422,
                     problems={k.split(".")[0]: "invalid" for k in exc.fields} or {"form": "invalid"})
    return RedirectResponse(f"/staff/programmes/{programme.slug}?done=created", status_code=303)
