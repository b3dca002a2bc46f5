"""Staff accounts (admin only): list, add, change role, disable or enable, reset.

Disabling, a role change and a reset end every token and page session of the person at once
(her session version is bumped; api/auth.py re-checks it on every request). The last active
admin can neither be disabled nor lose the role (409). Every change is audited.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.exc import IntegrityError

from api.auth import require_roles
from api.deps import SessionDep
from models.core.base import as_utc
from models.core.errors import Conflict
from models.people import service
from models.people.schemas import StaffIn, StaffPatch
from models.people.tables import StaffUser

router = APIRouter(tags=["staff"])
Admin = Annotated[StaffUser, Depends(require_roles("admin"))]


def staff_json(user: StaffUser, panels: list[dict]) -> dict:
    last = as_utc(user.last_login_at) if user.last_login_at else None
    return {"id": user.id, "email": user.email, "role": user.role, "active": user.active,
            "last_login_at": last.isoformat() if last else None, "on_panels": panels}


@router.get("/staff", summary="Every staff member, with the panels she sits on")
def list_staff(session: SessionDep, admin: Admin) -> dict:
    return {"items": [staff_json(u, p) for u, p in service.staff_listing(session)]}


@router.post("/staff", status_code=201, summary="Add a staff member (password shown once)")
def add_staff(body: StaffIn, session: SessionDep, admin: Admin) -> dict:
    user, password, totp_secret = service.create_user(session, email=body.email,
                                                      role=body.role, actor_id=admin.id)
    try:
        session.commit()
    except IntegrityError as exc:  # the same e-mail added at the same moment
        session.rollback()
        raise Conflict("a user with this e-mail exists",
                       fields={"email": "already in use"}) from exc
    return {"id": user.id, "password": password, "totp_secret": totp_secret}


@router.patch("/staff/{user_id}", summary="Change role, disable or enable")
def change_staff(user_id: str, body: StaffPatch, session: SessionDep, admin: Admin) -> dict:
    user = service.get_user(session, user_id)
    if body.active is False:
        service.set_active(session, user=user, active=False, actor_id=admin.id,
                           reason=body.reason)
    if body.role is not None:
        service.change_role(session, user=user, role=body.role, actor_id=admin.id)
    if body.active is True:
        service.set_active(session, user=user, active=True, actor_id=admin.id,
                           reason=body.reason)
    session.commit()
    return {"id": user.id, "role": user.role, "active": user.active}


@router.post("/staff/{user_id}/reset",
             summary="New password and authenticator; earlier sessions end")
def reset_staff(user_id: str, session: SessionDep, admin: Admin) -> dict:
    user = service.get_user(session, user_id)
    password, totp_secret = service.reset_credentials(session, user=user, actor_id=admin.id)
    session.commit()
    return {"password": password, "totp_secret": totp_secret}
