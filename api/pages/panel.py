"""/staff/programmes/{slug}/panel: the admin chooses the programme's panel from the active
reviewers — who sits on it, who is on call (when no rota sets it), who chairs — through the
same service and checks as `PUT /api/v1/programmes/{slug}/panel` (a panel smaller than the
quorum is refused with the reason)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import select

from api.deps import SessionDep
from api.pages.session import PageUser, checked_form, deny_unless, staff_page
from api.posted import PostedForm
from models.core.errors import Invalid, NotFound
from models.people.tables import StaffUser
from models.programmes import repository
from models.programmes.schemas import PanelIn
from models.programmes.service import panel_json, set_panel

router = APIRouter(include_in_schema=False)


def _page(request: Request, session: SessionDep, user: StaffUser, slug: str, *,
          chosen: dict | None = None, problem: str | None = None,
          status_code: int = 200) -> HTMLResponse:
    programme = repository.by_slug(session, slug)
    if programme is None:
        return staff_page(request, "staff/programmes/missing.html", user=user, status_code=404)
    current = panel_json(session, programme)
    if chosen is None:
        chosen = {m["staff_id"]: {"on_call": m["on_call"], "chair": m["chair"]}
                  for m in current["members"]}
    reviewers = session.exec(select(StaffUser).where(
        StaffUser.role == "reviewer", StaffUser.active == True)  # noqa: E712
        .order_by(StaffUser.email)).all()
    return staff_page(request, "staff/programmes/panel.html", {
        "programme": programme, "reviewers": reviewers, "chosen": chosen,
        "problem": problem, "saved": request.query_params.get("done") == "saved"},
        user=user, status_code=status_code)


@router.get("/staff/programmes/{slug}/panel", response_class=HTMLResponse)
def panel_page(request: Request, slug: str, session: SessionDep,
               user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, "admin") or _page(request, session, user, slug[:64])


@router.post("/staff/programmes/{slug}/panel", response_class=HTMLResponse)
def save_panel(request: Request, slug: str, body: PostedForm, session: SessionDep,
               user: PageUser) -> Response:
    denied, form = checked_form(request, body, user, "admin")
    if denied:
        return denied
    members = [str(m)[:32] for m in form.getlist("member")][:100]
    on_call = {str(m) for m in form.getlist("on_call")}
    chair = str(form.get("chair") or "")
    chosen = {m: {"on_call": m in on_call, "chair": m == chair} for m in members}
    try:
        data = PanelIn.model_validate({"members": [
            {"staff_id": m, **flags} for m, flags in chosen.items()]})
        set_panel(session, slug=slug[:64], data=data, actor_id=user.id)
        session.commit()
    except (Invalid, ValidationError, NotFound) as exc:
        session.rollback()
        fields = getattr(exc, "fields", {}) or {}
        problem = "too_few" if any("fewer" in str(v) for v in fields.values()) else "invalid"
        return _page(request, session, user, slug[:64], chosen=chosen, problem=problem,
                     status_code=422)
    return RedirectResponse(f"/staff/programmes/{slug[:64]}/panel?done=saved",
                            status_code=303)
