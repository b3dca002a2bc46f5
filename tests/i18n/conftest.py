"""A fund with one person of each role, signed in by a session cookie made directly."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.auth import COOKIE, issue_token
from models.core.db import session_scope
from models.people.tables import StaffUser
from tests.reviews import factories as f

ROLES = ("caseworker", "reviewer", "finance", "shelter_coordinator", "visa_officer", "admin")


def sign_in_as(client: TestClient, user_id: str) -> None:
    with session_scope(read_only=True) as s:
        token, _ = issue_token(s.get(StaffUser, user_id))  # type: ignore[arg-type]
    client.cookies.set(COOKIE, token)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def _fund() -> dict[str, str]:
    """One person of each role; the reviewer on the demo programme's panel, with cases
    waiting for her vote (panel and fast track) and one approved."""
    from models.people.tables import Panel, PanelMember
    from models.programmes.service import demo_programme, ensure_programme
    people = {}
    with session_scope() as s:
        prog = ensure_programme(s, demo_programme())
        for role in ROLES:
            user, _ = f.staff(s, role=role, email=f"{role}.i18n-tests@example.invalid")
            people[role] = user.id
        panel = Panel(programme_id=prog.id, kind="grant", chair_id=people["reviewer"])
        s.add(panel)
        s.flush()
        s.add(PanelMember(panel_id=panel.id, user_id=people["reviewer"], on_call=True))
        f.application(s, prog=prog)
        f.application(s, prog=prog, track="fast_track", risk_level="critical")
        f.application(s, prog=prog, status="approved", track="panel", risk_level="medium")
    return people


@pytest.fixture
def fund(sqlite_url: str):  # noqa: ANN201
    """(client, {role: user id})."""
    people = _fund()
    from api.app import create_app
    with TestClient(create_app()) as client:
        yield client, people


@pytest.fixture
def fund_any_db(db_url: str):  # noqa: ANN201
    people = _fund()
    from api.app import create_app
    with TestClient(create_app()) as client:
        yield client, people
