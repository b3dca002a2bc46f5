"""Staff pages: sign in (e-mail, password, 6-digit code), sign out, the start page by role.

The review and case pages live in api/pages/staff_cases.py and are included here.
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.auth import COOKIE, issue_token, staff_for_token
from api.deps import SessionDep, client_key
from api.pages import csrf
from api.pages import lists, staff_cases
from api.pages.session import (PageUser, safe_next, sign_in, sign_out, staff_page,
                                     user_from_cookie)
from api.posted import PostedForm
from forms.words import N_
from models.core.db import session_scope
from models.core.errors import TooManyRequests, Unauthorized
from models.desks.home import desk_for
from models.people.login import sign_in as check_sign_in
from models.people.service import end_sessions

router = APIRouter(include_in_schema=False)
router.include_router(lists.router)  # before the case pages: /staff/cases/receipt
router.include_router(staff_cases.router)
GENERIC_ERROR = N_("Wrong e-mail, password or code.")  # msgids: the page translates them


@router.get("/staff/login", response_class=HTMLResponse)
def login_form(request: Request, session: SessionDep, next: str | None = None) -> HTMLResponse:
    if user_from_cookie(request, session) is not None:
        return RedirectResponse(safe_next(next), status_code=303)  # type: ignore[return-value]
    return staff_page(request, "staff/login.html", {"next": safe_next(next)}, user=None)


def _refused(request: Request, next_url: str, message: str, status: int,
             email: str = "") -> HTMLResponse:
    """The login page again with the e-mail as typed (never the password or the code)."""
    return staff_page(request, "staff/login.html",
                      {"next": next_url, "error": message, "email": email[:254]},
                      user=None, status_code=status)


@router.post("/staff/login", response_class=HTMLResponse)
def login(request: Request, body: PostedForm) -> HTMLResponse:
    form = body.form()
    next_url = safe_next(str(form.get("next") or ""))
    if not csrf.check(request, form.get(csrf.FIELD)):
        return _refused(request, next_url, N_("The form has expired. Please try again."), 403,
                        str(form.get("email") or ""))
    fields = {k: str(form.get(k) or "") for k in ("email", "password", "otp")}
    try:
        user = check_sign_in(client=client_key(request), email=fields["email"],
                             password=fields["password"], otp=fields["otp"])
    except TooManyRequests as exc:
        page = _refused(request, next_url, N_("Too many attempts. Wait a few minutes."), 429,
                        fields["email"])
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    except Unauthorized:
        return _refused(request, next_url, GENERIC_ERROR, 401, fields["email"])
    token, _ = issue_token(user)
    return sign_in(request, RedirectResponse(next_url, status_code=303), token)  # type: ignore[return-value]


@router.post("/staff/logout")
def logout(request: Request, body: PostedForm) -> RedirectResponse:
    """Ends every session of this person, on every device, not only this cookie."""
    csrf.require(request, body.form().get(csrf.FIELD))
    with session_scope() as session:
        user = staff_for_token(session, request.cookies.get(COOKIE))
        if user is not None:
            end_sessions(session, user=user)
    return sign_out(RedirectResponse("/staff/login", status_code=303))


@router.get("/staff", response_class=HTMLResponse)
@router.get("/staff/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    """The person's desk: her waiting work, most urgent first (models/desks/home.py)."""
    return staff_page(request, "staff/home.html", {"sections": desk_for(session, user)},
                      user=user)


# Errors under /staff answer pages (api/errors.py calls this in a worker thread).
PROBLEMS = {404: "page", 403: "refused", 405: "page", 409: "conflict", 413: "refused",
            422: "refused", 429: "busy"}


def error_page(request: Request, status: int, code: str | None = None) -> HTMLResponse:
    """A staff page for an error: unknown address, expired form, refused or failed request.
    The signed-in person (if any) keeps her menu; nothing about the error's cause is shown."""
    from api.auth import signed_in

    problem = "expired" if code == "csrf" else PROBLEMS.get(status, "error")
    try:
        user = signed_in(request.cookies.get(COOKIE))
    except Exception:  # noqa: BLE001 - the error page must not fail on the database
        user = None
    return staff_page(request, "staff/missing.html", {"problem": problem, "status": status},
                      user=user, status_code=status)
