"""/staff/programmes/{slug}/rota: the admin sets who of the panel is on call when (weekly
shifts in each reviewer's time zone, leave as exceptions) and sees, a week ahead, the hours
when nobody will be (models/reviews/rota.py)."""
from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.pages.session import PageUser, checked_form, deny_unless, staff_page
from api.posted import PostedForm
from models.core.base import utcnow
from models.core.errors import Invalid, NotFound
from models.people.tables import StaffUser
from models.programmes import repository
from models.reviews import rota

router = APIRouter(include_in_schema=False)
SHIFT_FIELDS = ("member_id", "weekday", "starts", "ends", "timezone")
LEAVE_FIELDS = ("member_id", "first_day", "last_day")


def _page(request: Request, session: SessionDep, user: StaffUser, slug: str, *,
          values: dict[str, str] | None = None, problems: dict[str, str] | None = None,
          status_code: int = 200) -> HTMLResponse:
    programme = repository.by_slug(session, slug)
    panel = repository.panel(session, programme.id) if programme else None
    if programme is None:
        return staff_page(request, "staff/programmes/missing.html", user=user, status_code=404)
    current = rota.rota_of(session, panel.id) if panel else None
    emails = {m.id: session.get(StaffUser, m.user_id).email  # type: ignore[union-attr]
              for m in (current.members.values() if current else [])}
    now = utcnow()
    return staff_page(request, "staff/programmes/rota.html", {
        "programme": programme, "rota": current, "emails": emails,
        "on_call_now": current.on_call(now) if current and current.exists else None,
        "gaps": current.gaps(now) if current and current.exists else [],
        "values": values or {"timezone": "UTC", "weekday": "0", "starts": "08:00",
                             "ends": "20:00"},
        "problems": problems or {}, "done": request.query_params.get("done")},
        user=user, status_code=status_code)


@router.get("/staff/programmes/{slug}/rota", response_class=HTMLResponse)
def rota_page(request: Request, slug: str, session: SessionDep, user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, "admin") or _page(request, session, user, slug[:64])


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("not a date", fields={field: "YYYY-MM-DD"}) from None


def _change(session: SessionDep, action: str, values: dict[str, Any], actor_id: str) -> None:
    if action == "shift":
        weekday = int(values["weekday"]) if values["weekday"].isdigit() else -1
        rota.add_shift(session, member_id=values["member_id"], weekday=weekday,
                       starts=values["starts"], ends=values["ends"],
                       timezone=values["timezone"], actor_id=actor_id)
    elif action == "leave":
        rota.add_leave(session, member_id=values["member_id"],
                       first_day=_day(values["first_day"], "first_day"),
                       last_day=_day(values["last_day"], "last_day"), actor_id=actor_id)
    elif action in ("remove_shift", "remove_leave"):
        model = rota.OnCallShift if action == "remove_shift" else rota.OnCallLeave
        rota.remove(session, model=model, row_id=values["row_id"], actor_id=actor_id)
    else:
        raise Invalid("unknown action", fields={"action": "unknown"})


@router.post("/staff/programmes/{slug}/rota", response_class=HTMLResponse)
def change_rota(request: Request, slug: str, body: PostedForm, session: SessionDep,
                user: PageUser) -> Response:
    denied, form = checked_form(request, body, user, "admin")
    if denied:
        return denied
    action = str(form.get("action") or "")
    values = {k: str(form.get(k) or "")[:64].strip()
              for k in (*SHIFT_FIELDS, "first_day", "last_day", "row_id")}
    try:
        _change(session, action, values, user.id)
        session.commit()
    except (Invalid, NotFound) as exc:
        session.rollback()
        problems = dict.fromkeys(getattr(exc, "fields", {}) or {"member_id": ""}, "invalid")
        return _page(request, session, user, slug[:64], values=values, problems=problems,
                     status_code=422)
    return RedirectResponse(f"/staff/programmes/{slug[:64]}/rota?done={action}",
                            status_code=303)
