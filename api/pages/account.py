"""The staff member's own account page: /staff/account (her language for every staff page and
staff e-mail; none: her browser's). Any role; CSRF on the POST; the change is audited."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.pages import csrf
from api.pages.session import PageUser, staff_page
from api.posted import PostedForm
from forms.i18n import LANGUAGES, NAMES
from models.core.errors import Invalid
from models.people import service
from models.people.tables import StaffUser

router = APIRouter(include_in_schema=False)


def _page(request: Request, user: StaffUser, *, saved: bool = False, problem: bool = False,
          status_code: int = 200) -> HTMLResponse:
    return staff_page(request, "staff/account.html", {
        "names": NAMES, "languages": LANGUAGES, "chosen": user.language or "",
        "saved": saved, "problem": problem}, user=user, status_code=status_code)


@router.get("/staff/account", response_class=HTMLResponse)
def account(request: Request, user: PageUser) -> HTMLResponse:
    return _page(request, user, saved=request.query_params.get("done") == "saved")


@router.post("/staff/account", response_class=HTMLResponse)
def save_account(request: Request, body: PostedForm, session: SessionDep,
                 user: PageUser) -> Response:
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    chosen = str(form.get("language") or "")[:8] or None
    me = service.get_user(session, user.id)
    try:
        service.set_language(session, user=me, language=chosen, languages=LANGUAGES)
        session.commit()
    except Invalid:
        session.rollback()
        return _page(request, user, problem=True, status_code=422)
    return RedirectResponse("/staff/account?done=saved", status_code=303)
