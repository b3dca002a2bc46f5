"""A fund with one admin and one person of each other role; tokens made directly."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.auth import issue_token
from models.core.db import session_scope
from models.people.tables import StaffUser
from tests.reviews import factories as f

ROLES = ("caseworker", "reviewer", "finance", "shelter_coordinator", "visa_officer", "admin")


def bearer(user_id: str) -> dict[str, str]:
    """A fresh token of this person (her current session version)."""
    with session_scope(read_only=True) as s:
        token, _ = issue_token(s.get(StaffUser, user_id))  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def fund(sqlite_url: str):  # noqa: ANN201
    """(client, {role: (id, email, totp secret)})."""
    people = {}
    with session_scope() as s:
        for role in ROLES:
            user, secret = f.staff(s, role=role, email=f"{role}.admin-tests@example.invalid")
            people[role] = (user.id, user.email, secret)
    from api.app import create_app
    with TestClient(create_app()) as client:
        yield client, people
