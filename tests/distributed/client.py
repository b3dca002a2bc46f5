"""A small client of Amparo's public API for end-to-end tests (CONTRACT.md, "HTTP API").

    staff = make_staff(role="finance")                       # in the test's database
    api = AmparoClient(server.url)
    token = api.login(staff)
    api.wait_for_status(app_id, {"in_review"}, token)
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx

from tests.support.totp import unspent_code

STAFF_PASSWORD = "test-password-not-real-0123"


@dataclass(frozen=True)
class Staff:
    id: str
    email: str
    password: str
    totp_secret: str


def make_staff(*, role: str, email: str, on_call: bool = False) -> Staff:
    """A staff user (reviewers join the demo programme's panel) in the current database."""
    from models.core.db import session_scope
    from models.people.service import add_to_panel, create_user
    from models.programmes.service import programme_by_slug

    with session_scope() as session:
        user, _, totp = create_user(session, email=email, role=role, password=STAFF_PASSWORD)
        if role == "reviewer":
            programme = programme_by_slug(session, None)
            add_to_panel(session, user=user, programme_id=programme.id, on_call=on_call)
        return Staff(id=user.id, email=email, password=STAFF_PASSWORD, totp_secret=totp)


def seed_programme() -> None:
    from models.core.db import session_scope
    from models.programmes.service import demo_programme, ensure_programme

    with session_scope() as session:
        ensure_programme(session, demo_programme())


def fresh_code(secret: str) -> str:
    """A TOTP code not sent before: a code is accepted once (issue 12); see
    tests/support/totp.py."""
    return unspent_code(secret)


class AmparoClient:
    def __init__(self, base_url: str, timeout: float = 30) -> None:
        self.http = httpx.Client(base_url=base_url + "/api/v1", timeout=timeout)
        self._tokens: dict[str, str] = {}

    def close(self) -> None:
        self.http.close()

    def login(self, staff: Staff) -> dict[str, str]:
        if staff.email not in self._tokens:
            resp = self.http.post("/auth/token", json={
                "username": staff.email, "password": staff.password,
                "otp": fresh_code(staff.totp_secret)})
            assert resp.status_code == 200, resp.text
            self._tokens[staff.email] = resp.json()["access_token"]
        return {"Authorization": f"Bearer {self._tokens[staff.email]}"}

    def submit(self, body: dict[str, Any], key: str | None = None) -> dict[str, Any]:
        headers = {"Idempotency-Key": key} if key else {}
        resp = self.http.post("/applications", json=body, headers=headers)
        assert resp.status_code == 201, resp.text
        return resp.json()

    def application(self, app_id: str, staff: Staff) -> dict[str, Any]:
        resp = self.http.get(f"/applications/{app_id}", headers=self.login(staff))
        assert resp.status_code == 200, resp.text
        return resp.json()

    def wait_for_status(self, app_id: str, wanted: set[str], staff: Staff,
                        timeout: float = 90) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        seen = None
        while time.monotonic() < deadline:
            seen = self.application(app_id, staff)
            if seen["status"] in wanted:
                return seen
            time.sleep(0.5)
        raise AssertionError(f"application {app_id} still {seen and seen['status']} "
                             f"after {timeout} s (wanted {sorted(wanted)})")

    def vote(self, app_id: str, staff: Staff, decision: str, amount: float | None = None
             ) -> httpx.Response:
        body: dict[str, Any] = {"decision": decision}
        if amount is not None:
            body["amount"] = amount
        return self.http.post(f"/applications/{app_id}/votes", json=body,
                              headers=self.login(staff))

    def disbursements_of(self, app_id: str, staff: Staff) -> list[dict[str, Any]]:
        resp = self.http.get("/disbursements", headers=self.login(staff))
        assert resp.status_code == 200, resp.text
        body = resp.json()
        items = body["items"] if isinstance(body, dict) else body
        return [d for d in items if d["application_id"] == app_id]


def wait_until(predicate: Any, *, timeout: float, every: float = 0.5, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")
