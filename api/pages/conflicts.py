"""/staff/users/{id}/conflicts: the admin keeps a reviewer's register of declared conflicts
(countries, organisations, people she must not judge). A case touching one is never offered
to her (models/reviews/conflicts.py)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.pages.session import PageUser, checked_form, deny_unless, staff_page
from api.posted import PostedForm
from models.core.errors import Invalid, NotFound
from models.people.tables import StaffUser
from models.reviews import conflicts

router = APIRouter(include_in_schema=False)


def _page(request: Request, session: SessionDep, user: StaffUser, person_id: str, *,
          values: dict[str, str] | None = None, problems: dict[str, str] | None = None,
          status_code: int = 200) -> HTMLResponse:
    person = session.get(StaffUser, person_id)
    if person is None:
        return staff_page(request, "staff/admin/missing.html", user=user, status_code=404)
    return staff_page(request, "staff/ops/conflicts.html", {
        "person": person, "register": conflicts.register_of(session, person.id),
        "kinds": conflicts.KINDS, "values": values or {"kind": "country", "value": ""},
        "problems": problems or {}, "done": request.query_params.get("done")},
        user=user, status_code=status_code)


@router.get("/staff/users/{person_id}/conflicts", response_class=HTMLResponse)
def register(person_id: str, request: Request, session: SessionDep,
             user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, "admin") or _page(request, session, user, person_id[:32])


@router.post("/staff/users/{person_id}/conflicts", response_class=HTMLResponse)
def declare(person_id: str, request: Request, body: PostedForm, session: SessionDep,
            user: PageUser) -> Response:
    denied, form = checked_form(request, body, user, "admin")
    if denied:
        return denied
    values = {"kind": str(form.get("kind") or "")[:16],
              "value": str(form.get("value") or "")[:200].strip()}
    try:
        conflicts.declare(session, user_id=person_id[:32], kind=values["kind"],
                          value=values["value"], actor_id=user.id)
        session.commit()
    except (Invalid, NotFound) as exc:
        session.rollback()
        problems = {field: "invalid" for field in getattr(exc, "fields", {})} or {"value": "invalid"}
        return _page(request, session, user, person_id[:32], values=values, problems=problems,
                     status_code=422)
    return RedirectResponse(f"/staff/users/{person_id[:32]}/conflicts?done=added",
                            status_code=303)


@router.post("/staff/users/{person_id}/conflicts/{conflict_id}/withdraw")
def withdraw(person_id: str, conflict_id: str, request: Request, body: PostedForm,
             session: SessionDep, user: PageUser) -> Response:
    denied, _ = checked_form(request, body, user, "admin")
    if denied:
        return denied
    conflicts.withdraw(session, conflict_id=conflict_id[:32], actor_id=user.id)
    session.commit()
    return RedirectResponse(f"/staff/users/{person_id[:32]}/conflicts?done=withdrawn",
                            status_code=303)
