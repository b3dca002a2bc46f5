"""Staff login: form or JSON `username`, `password`, `otp` -> a short-lived bearer token."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.auth import issue_token
from api.deps import SessionDep, client_key
from models.core import ratelimit
from models.core.base import utcnow
from models.core.errors import Invalid
from models.people.service import authenticate

router = APIRouter(tags=["auth"])
LOGIN_LIMIT, LOGIN_WINDOW = 10, timedelta(minutes=5)


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
def token(request: Request, creds: Annotated[dict[str, str], Depends(_credentials)],
          session: SessionDep) -> dict:
    client = client_key(request)
    if ratelimit.over_limit(session, bucket="login", client=client, limit=LOGIN_LIMIT,
                            window=LOGIN_WINDOW):
        ratelimit.hit(session, bucket="login", client=client, limit=LOGIN_LIMIT,
                      window=LOGIN_WINDOW)
    try:
        user = authenticate(session, email=creds["username"], password=creds["password"],
                            otp=creds["otp"])
    except Exception:
        try:
            ratelimit.hit(session, bucket="login", client=client, limit=LOGIN_LIMIT,
                          window=LOGIN_WINDOW)
        finally:
            session.commit()
        raise
    user.last_login_at = utcnow()
    session.add(user)
    session.commit()
    access, expires = issue_token(user)
    return {"access_token": access, "token_type": "bearer", "expires_in": expires}
