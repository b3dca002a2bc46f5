"""POST /staff/users/{id}/recovery-codes: an admin makes a person's one-time recovery codes,
shown once in the answer (never in a URL, never stored in clear; pages are no-store)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import SessionDep
from api.pages.session import PageUser, checked_form, staff_page
from api.posted import PostedForm
from models.core.errors import NotFound
from models.people.recovery import issue_codes
from models.people.tables import StaffUser

router = APIRouter(include_in_schema=False)


@router.post("/staff/users/{user_id}/recovery-codes", response_class=HTMLResponse)
def make_codes(user_id: str, request: Request, body: PostedForm, session: SessionDep,
               user: PageUser) -> HTMLResponse:
    denied, _ = checked_form(request, body, user, "admin")
    if denied:
        return denied
    person = session.get(StaffUser, user_id)
    if person is None:
        raise NotFound("no such person")
    codes = issue_codes(session, user_id=person.id, actor_id=user.id)
    session.commit()
    return staff_page(request, "staff/ops/recovery_codes.html",
                      {"person": person, "codes": codes}, user=user)
