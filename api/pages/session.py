"""Staff page sessions: the JWT cookie, the signed-in user, CSRF, and rendering in the layout.

Every staff page (this area's and Finance, Shelters, Visas) can use:

    user: PageUser                                   # redirects to /staff/login when signed out
    deny_unless(request, user, "reviewer")           # a 403 page for other roles (or None)
    staff_page(request, "staff/x.html", {...}, user=user)   # base layout + CSRF token
    csrf.require(request, form.get(csrf.FIELD))      # on every POST
"""
from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.auth import COOKIE, LIFETIME, signed_in, staff_for_token
from api.deps import SessionDep
from api.pages import csrf
from api.pages.common import pick_language
from forms.i18n import LANGUAGES
from forms.render import render_html
from models.people.tables import StaffUser

LOGIN = "/staff/login"
# The pages each role starts from (least privilege: admins are not implied elsewhere).
ROLE_LINKS: dict[str, list[tuple[str, str]]] = {
    "reviewer": [("/staff/queue", "Review queue")],
    "caseworker": [("/staff/cases", "Cases")],
    "admin": [("/staff/cases", "Cases"), ("/staff/programmes", "Programmes"),
              ("/staff/users", "Staff"), ("/staff/audit", "Audit log"),
              ("/staff/visas", "Visas"), ("/staff/operations", "Operations")],
    "finance": [("/staff/finance", "Finance")],
    "shelter_coordinator": [("/staff/shelters", "Shelters")],
    "visa_officer": [("/staff/visas", "Visas")],
}


def safe_next(target: str | None) -> str:
    """Only our own staff pages as a redirect target (no open redirect)."""
    if target and target.startswith("/staff/") and "//" not in target and "\\" not in target:
        return target
    return "/staff/"


def user_from_cookie(request: Request, session: SessionDep) -> StaffUser | None:
    return staff_for_token(session, request.cookies.get(COOKIE))


def page_user(request: Request) -> StaffUser:
    """The signed-in staff member, re-read from the database (in a read session of its own:
    api/auth.py `signed_in`); else a redirect to the login."""
    user = signed_in(request.cookies.get(COOKIE))
    if user is None:
        target = quote(safe_next(request.url.path), safe="/")
        raise HTTPException(status_code=303, detail="login required",
                            headers={"Location": f"{LOGIN}?next={target}"})
    return user


PageUser = Annotated[StaffUser, Depends(page_user)]


def staff_page(request: Request, template: str, context: dict[str, Any] | None = None, *,
               user: StaffUser | None, status_code: int = 200) -> HTMLResponse:
    token = csrf.token_for(request)
    ctx = {"user": user, "csrf_token": token, "role_links": ROLE_LINKS, **(context or {})}
    html = render_html(template, ctx, lang=staff_language(request, user))
    response = HTMLResponse(html, status_code=status_code)
    csrf.set_cookie(request, response, token)
    return response


def staff_language(request: Request, user: StaffUser | None) -> str:
    """?lang= first, then the language kept on her account (/staff/account), then the
    browser's Accept-Language, then English."""
    asked = request.query_params.get("lang")
    if asked not in LANGUAGES and user is not None and user.language in LANGUAGES:
        return str(user.language)
    return pick_language(request)


def deny_unless(request: Request, user: StaffUser, *roles: str) -> HTMLResponse | None:
    """None when the user's role is one of `roles`, else the "not for your role" page."""
    if user.role in roles:
        return None
    return staff_page(request, "staff/denied.html", user=user, status_code=403)


def checked_form(request: Request, body: Any, user: StaffUser,
                 *roles: str) -> tuple[HTMLResponse | None, Any]:
    """A staff page's POST: (the "not for your role" page, None) when her role may not, else
    (None, the posted form) with its CSRF token checked (a wrong one raises, as csrf.require)."""
    denied = deny_unless(request, user, *roles)
    if denied:
        return denied, None
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    return None, form


def sign_in(request: Request, response: RedirectResponse, token: str) -> RedirectResponse:
    response.set_cookie(COOKIE, token, max_age=int(LIFETIME.total_seconds()), httponly=True,
                        samesite="strict", secure=request.url.scheme == "https", path="/")
    return response


def sign_out(response: RedirectResponse) -> RedirectResponse:
    response.delete_cookie(COOKIE, path="/")
    return response
