"""Cases for the casework tests, made through intake and the automatic steps (fake data)."""
from __future__ import annotations

import pytest
from sqlmodel import Session

from models.applications import steps
from models.applications.service import submit_application
from models.applications.tables import Application
from models.people.service import create_user
from models.people.tables import StaffUser
from models.programmes.service import demo_programme, ensure_programme
from tests.applications.helpers import application_in


def make_case(session: Session, **overrides: object) -> Application:
    """A case after triage, risk and routing (or stopped where triage stops it)."""
    result = submit_application(session=session, data=application_in(**overrides))
    session.commit()
    steps.process_one(session, result.id)
    session.commit()
    return session.get(Application, result.id)  # type: ignore[return-value]


def make_staff(session: Session, role: str) -> StaffUser:
    user, _, _ = create_user(session, email=f"{role}-cw@example.invalid", role=role)
    session.commit()
    return user


@pytest.fixture
def cw_session(db_url: str):  # noqa: ANN201
    from models.core.db import new_session
    s = new_session()
    ensure_programme(s, demo_programme())
    s.commit()
    yield s
    s.close()
