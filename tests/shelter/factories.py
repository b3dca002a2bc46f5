"""Keyword-argument factories for shelter, visa and relocation tests (obviously fake data)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from models.applications.schemas import ApplicationIn
from models.applications.service import submit_application
from models.applications.tables import Application
from models.applications.workflow import workflow_for
from models.core.workflow import SYSTEM, transition
from models.programmes.service import demo_programme, ensure_programme
from models.shelter.schemas import ShelterIn
from models.shelter.service import create_shelter

SOON = date.today() + timedelta(days=10)
_PATHS = {"shelter": ["eligible", "risk_assessed", "matching"],
          "visa": ["eligible", "risk_assessed", "in_review"],
          "grant": ["eligible", "risk_assessed", "in_review"]}


def application_in(*, kind: str = "shelter", phone: str = "+00 000 0000",
                   request: dict[str, Any] | None = None, imminent: bool = False,
                   language: str = "en", country: str = "GT") -> ApplicationIn:
    defaults = {
        "shelter": {"people": 1, "children": 0, "from_date": SOON.isoformat(), "nights": 3},
        "visa": {"destination_country": "IE", "passport_valid_until": "2030-01-01",
                 "family_members": 0, "purpose": "Temporary relocation (test)."},
        "grant": {"amount": 3000, "currency": "EUR", "purpose": "Relocation costs (test)."},
    }[kind]
    return ApplicationIn.model_validate({
        "kind": kind, "language": language,
        "applicant": {"name": "Test Person Alpha", "phone": phone, "country": country},
        "threat": {"description": "Test threat description.", "types": ["death_threat"],
                   "imminent": imminent, "perpetrator": "state"},
        "request": {**defaults, **(request or {})},
    })


def make_application(session: Session, *, kind: str = "shelter", to: str | None = None,
                     **kw: Any) -> Application:
    """Submit through intake, then walk the front of the workflow as the flows would."""
    return submit_and_route(session, kind=kind, to=to, **kw)[0]


def submit_and_route(session: Session, *, kind: str = "shelter", to: str | None = None,
                     **kw: Any) -> tuple[Application, str]:
    """The application and its receipt."""
    ensure_programme(session, demo_programme())
    result = submit_application(session=session, data=application_in(kind=kind, **kw))
    application = session.get(Application, result.id)
    assert application is not None
    wf = workflow_for(kind)
    for status in _PATHS[kind]:
        transition(session, wf, application, status, actor_role=SYSTEM)
        if status == to:
            break
    session.flush()
    return application, result.receipt


def make_shelter(session: Session, **kw: Any) -> Any:
    data = {"name": "Test House North", "country": "MX", "region": "Test Region One",
            "beds": 6, "features": ["children", "step_free"], "languages": ["es", "en"],
            "max_nights": 90, "address": "Test Street 1", "contact": "+00 000 0000", **kw}
    shelter = create_shelter(session=session, data=ShelterIn.model_validate(data),
                             actor_id="test")
    session.flush()
    return shelter
