"""The admin's staff and audit pages: /staff/users (list, add, one person: role, disable or
enable with a reason, reset) and /staff/audit (latest events, by entity, the chain's check).

Secrets (a new password, an authenticator secret and its QR code) are shown once, in the
answer to the POST that made them: never in a URL, never stored in clear (pages are no-store).
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError

from api.deps import SessionDep
from api.pages import csrf
from api.pages.session import PageUser, deny_unless, staff_page
from api.posted import PostedForm
from forms.qr import otpauth_uri, qr_svg
from models.desks.paging import Paging, matches
from models.desks.search import AUDIT_FIELDS, STAFF_FIELDS, find_events, find_staff
from models.core import audit
from models.core.errors import AmparoError, Conflict, Invalid, NotFound
from models.people import service
from models.people.tables import Role, StaffUser

router = APIRouter(include_in_schema=False)
ROLES = list(Role.__members__)
DONE = ("added", "role", "disabled", "enabled")


def _problems(exc: AmparoError) -> dict[str, str]:
    """field -> a code the templates put in words (their msgids are literals there)."""
    if isinstance(exc, Conflict):
        if "email" in exc.fields:
            return {"email": "taken"}
        return {field: "last_admin" for field in exc.fields} or {"form": "conflict"}
    return {field: "invalid" for field in exc.fields} or {"form": "invalid"}


def _status(exc: AmparoError) -> int:
    return 409 if isinstance(exc, Conflict) else 422


def _list_page(request: Request, session: SessionDep, user: StaffUser, *,
               values: dict[str, str] | None = None, problems: dict[str, str] | None = None,
               status_code: int = 200) -> HTMLResponse:
    done = request.query_params.get("done")
    search = matches(request.query_params, *STAFF_FIELDS)
    page = find_staff(session, search=search, paging=Paging.read(request.query_params))
    return staff_page(request, "staff/admin/users.html", {
        "people": [(person, []) for person in page.items], "page": page, "search": search,
        "roles": ROLES,
        "values": values or {"email": "", "role": ""}, "problems": problems or {},
        "done": done if done in DONE else None}, user=user, status_code=status_code)


@router.get("/staff/users", response_class=HTMLResponse)
def users(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, "admin") or _list_page(request, session, user)


@router.post("/staff/users", response_class=HTMLResponse)
def add_user(request: Request, body: PostedForm, session: SessionDep,
             user: PageUser) -> Response:
    denied = deny_unless(request, user, "admin")
    if denied:
        return denied
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    values = {"email": str(form.get("email") or "")[:300].strip(),
              "role": str(form.get("role") or "")[:40]}
    try:
        person, password, secret = service.create_user(session, email=values["email"],
                                                       role=values["role"], actor_id=user.id)
        session.commit()
    except (Invalid, Conflict) as exc:
        session.rollback()
        return _list_page(request, session, user, values=values, problems=_problems(exc),
                          status_code=_status(exc))
    except IntegrityError:  # the same e-mail added at the same moment
        session.rollback()
        return _list_page(request, session, user, values=values, problems={"email": "taken"},
                          status_code=409)
    return _secrets_page(request, user, person, password or "", secret, added=True)


def _secrets_page(request: Request, user: StaffUser, person: StaffUser, password: str,
                  secret: str, *, added: bool) -> HTMLResponse:
    uri = otpauth_uri(person.email, secret)
    return staff_page(request, "staff/admin/secrets.html", {
        "person": person, "password": password, "secret": secret, "qr": qr_svg(uri),
        "added": added}, user=user)


def _person(session: SessionDep, user_id: str) -> StaffUser | None:
    try:
        return service.get_user(session, user_id[:64])
    except NotFound:
        return None


def _missing(request: Request, user: StaffUser) -> HTMLResponse:
    return staff_page(request, "staff/admin/missing.html", user=user, status_code=404)


def _person_page(request: Request, session: SessionDep, user: StaffUser, person: StaffUser, *,
                 problems: dict[str, str] | None = None, status_code: int = 200,
                 role_value: str | None = None) -> HTMLResponse:
    panels = service.panels_of(session, person.id)
    done = request.query_params.get("done")
    return staff_page(request, "staff/admin/user.html", {
        "person": person, "panels": panels, "roles": ROLES, "problems": problems or {},
        "role_value": role_value or person.role, "done": done if done in DONE else None},
        user=user, status_code=status_code)


@router.get("/staff/users/{user_id}", response_class=HTMLResponse)
def one_user(user_id: str, request: Request, session: SessionDep,
             user: PageUser) -> HTMLResponse:
    denied = deny_unless(request, user, "admin")
    if denied:
        return denied
    person = _person(session, user_id)
    if person is None:
        return _missing(request, user)
    return _person_page(request, session, user, person)


@router.post("/staff/users/{user_id}/role", response_class=HTMLResponse)
def change_role(user_id: str, request: Request, body: PostedForm, session: SessionDep,
                user: PageUser) -> Response:
    denied = deny_unless(request, user, "admin")
    if denied:
        return denied
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    person = _person(session, user_id)
    if person is None:
        return _missing(request, user)
    role = str(form.get("role") or "")[:40]
    try:
        service.change_role(session, user=person, role=role, actor_id=user.id)
        session.commit()
    except (Invalid, Conflict) as exc:
        session.rollback()
        person = _person(session, user_id)
        return _person_page(request, session, user, person, problems=_problems(exc),  # type: ignore[arg-type]
                            status_code=_status(exc), role_value=role)
    return RedirectResponse(f"/staff/users/{person.id}?done=role", status_code=303)


def _confirm_page(request: Request, user: StaffUser, person: StaffUser, active: bool, *,
                  reason: str = "", problems: dict[str, str] | None = None,
                  status_code: int = 200) -> HTMLResponse:
    return staff_page(request, "staff/admin/confirm.html", {
        "person": person, "to_active": active, "reasons": service.ACCESS_REASONS,
        "reason": reason, "problems": problems or {}}, user=user, status_code=status_code)


@router.get("/staff/users/{user_id}/disable", response_class=HTMLResponse)
@router.get("/staff/users/{user_id}/enable", response_class=HTMLResponse)
def confirm_access(user_id: str, request: Request, session: SessionDep,
                   user: PageUser) -> HTMLResponse:
    denied = deny_unless(request, user, "admin")
    if denied:
        return denied
    person = _person(session, user_id)
    if person is None:
        return _missing(request, user)
    return _confirm_page(request, user, person, request.url.path.endswith("/enable"))


@router.post("/staff/users/{user_id}/disable", response_class=HTMLResponse)
@router.post("/staff/users/{user_id}/enable", response_class=HTMLResponse)
def set_access(user_id: str, request: Request, body: PostedForm, session: SessionDep,
               user: PageUser) -> Response:
    denied = deny_unless(request, user, "admin")
    if denied:
        return denied
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    person = _person(session, user_id)
    if person is None:
        return _missing(request, user)
    active = request.url.path.endswith("/enable")
    reason = str(form.get("reason") or "")[:40]
    try:
        if not reason:
            raise Invalid("a reason is required", fields={"reason": "required"})
        service.set_active(session, user=person, active=active, actor_id=user.id,
                           reason=reason)
        session.commit()
    except (Invalid, Conflict) as exc:
        session.rollback()
        person = _person(session, user_id)
        return _confirm_page(request, user, person, active, reason=reason,  # type: ignore[arg-type]
                             problems=_problems(exc), status_code=_status(exc))
    done = "enabled" if active else "disabled"
    return RedirectResponse(f"/staff/users/{person.id}?done={done}", status_code=303)


@router.post("/staff/users/{user_id}/reset", response_class=HTMLResponse)
def reset(user_id: str, request: Request, body: PostedForm, session: SessionDep,
          user: PageUser) -> Response:
    denied = deny_unless(request, user, "admin")
    if denied:
        return denied
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    person = _person(session, user_id)
    if person is None:
        return _missing(request, user)
    password, secret = service.reset_credentials(session, user=person, actor_id=user.id)
    session.commit()
    return _secrets_page(request, user, person, password, secret, added=False)


@router.get("/staff/audit", response_class=HTMLResponse)
def audit_log(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    denied = deny_unless(request, user, "admin")
    if denied:
        return denied
    search = matches(request.query_params, *AUDIT_FIELDS)
    page = find_events(session, search=search, paging=Paging.read(request.query_params))
    emails = {u.id: u.email for u, _ in service.staff_listing(session)}
    return staff_page(request, "staff/admin/audit.html", {
        "events": page.items, "page": page, "search": search,
        "entity_id": search.get("entity_id", ""), "check": audit.verify(session),
        "emails": emails}, user=user)
