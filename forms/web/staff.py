"""Staff pages: sign in (e-mail, password, 6-digit code), sign out, the start page by role.

The review and case pages live in forms/web/staff_cases.py and are included here.
"""
from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.auth import issue_token
from api.deps import SessionDep, client_key
from forms import csrf
from forms.web import staff_cases
from forms.web.posted import PostedForm
from forms.web.staff_session import (PageUser, safe_next, sign_in, sign_out, staff_page,
                                     user_from_cookie)
from models.core import ratelimit
from models.core.base import utcnow
from models.core.errors import TooManyRequests, Unauthorized
from models.people.service import authenticate

router = APIRouter(include_in_schema=False)
router.include_router(staff_cases.router)
LOGIN_LIMIT, LOGIN_WINDOW = 10, timedelta(minutes=5)  # as POST /api/v1/auth/token
GENERIC_ERROR = "Wrong e-mail, password or code."


@router.get("/staff/login", response_class=HTMLResponse)
def login_form(request: Request, session: SessionDep, next: str | None = None) -> HTMLResponse:
    if user_from_cookie(request, session) is not None:
        return RedirectResponse(safe_next(next), status_code=303)  # type: ignore[return-value]
    return staff_page(request, "staff/login.html", {"next": safe_next(next)}, user=None)


def _refused(request: Request, next_url: str, message: str, status: int) -> HTMLResponse:
    return staff_page(request, "staff/login.html", {"next": next_url, "error": message},
                      user=None, status_code=status)


@router.post("/staff/login", response_class=HTMLResponse)
def login(request: Request, body: PostedForm, session: SessionDep) -> HTMLResponse:
    form = body.form()
    next_url = safe_next(str(form.get("next") or ""))
    if not csrf.check(request, form.get(csrf.FIELD)):
        return _refused(request, next_url, "The form has expired. Please try again.", 403)
    fields = {k: str(form.get(k) or "") for k in ("email", "password", "otp")}
    client = client_key(request)
    limits = {"bucket": "login", "client": client, "limit": LOGIN_LIMIT, "window": LOGIN_WINDOW}
    try:
        if ratelimit.over_limit(session, **limits):
            ratelimit.hit(session, **limits)
        user = authenticate(session, email=fields["email"], password=fields["password"],
                            otp=fields["otp"])
    except TooManyRequests:
        session.commit()
        return _refused(request, next_url, "Too many attempts. Wait a few minutes.", 429)
    except Unauthorized:
        try:
            ratelimit.hit(session, **limits)
        except TooManyRequests:
            pass
        session.commit()
        return _refused(request, next_url, GENERIC_ERROR, 401)
    user.last_login_at = utcnow()
    session.add(user)
    session.commit()
    token, _ = issue_token(user)
    return sign_in(request, RedirectResponse(next_url, status_code=303), token)  # type: ignore[return-value]


@router.post("/staff/logout")
async def logout(request: Request) -> RedirectResponse:
    form = await request.form()
    csrf.require(request, form.get(csrf.FIELD))
    return sign_out(RedirectResponse("/staff/login", status_code=303))


@router.get("/staff", response_class=HTMLResponse)
@router.get("/staff/", response_class=HTMLResponse)
def home(request: Request, user: PageUser) -> HTMLResponse:
    return staff_page(request, "staff/home.html", user=user)
