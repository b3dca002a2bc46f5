"""Sign in to the staff pages through the ASGI app (the desk page tests of shelter and visas)."""
from __future__ import annotations

import re

import pyotp
from fastapi.testclient import TestClient

PASSWORD = "test-password-0123456789"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def login(client: TestClient, email: str, secret: str) -> None:
    page = client.get("/staff/login")
    r = client.post("/staff/login", data={"csrf_token": csrf_of(page.text), "email": email,
                                          "password": PASSWORD,
                                          "otp": pyotp.TOTP(secret).now()},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
