"""Staff login: form or JSON `username`, `password`, `otp` -> a short-lived bearer token;
logout ends every token and page session of the caller (models/people/login.py)."""
from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.auth import CurrentStaff, issue_token
from api.deps import SessionDep, client_key
from models.core.errors import Invalid
from models.people.login import sign_in
from models.people.service import end_sessions
from models.people.tables import StaffUser

router = APIRouter(tags=["auth"])


async def _credentials(request: Request) -> dict[str, str]:
    """Read (awaited) before the route, which is `def`: argon2 and the database block."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError as exc:
            raise Invalid("the body is not JSON") from exc
    else:
        data = dict(await request.form())
    missing = {k: "required" for k in ("username", "password", "otp") if not data.get(k)}
    if missing:
        raise Invalid("username, password and otp are required", fields=missing)
    return {k: str(data[k]) for k in ("username", "password", "otp")}


@router.post("/auth/token")
def token(request: Request, creds: Annotated[dict[str, str], Depends(_credentials)]) -> dict:
    """401 for any wrong part; 429 with Retry-After once this client has failed too often."""
    user = sign_in(client=client_key(request), email=creds["username"],
                   password=creds["password"], otp=creds["otp"])
    access, expires = issue_token(user)
    return {"access_token": access, "token_type": "bearer", "expires_in": expires}


@router.post("/auth/logout", summary="End every token and page session of the caller")
def logout(user: CurrentStaff, session: SessionDep) -> dict:
    end_sessions(session, user=session.get(StaffUser, user.id))  # type: ignore[arg-type]
    session.commit()
    return {"ended": True}
