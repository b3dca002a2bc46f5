"""Duplicates within the programme's window (default 12 months), across statuses and kinds,
by blind indexes only, shown to the caseworker with the earlier case and the signals; the
optional question about other funds asked for the same need (form, API, review page)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from models.applications import steps
from models.applications.duplicates import earlier_matches, window_days
from models.applications.service import submit_application
from models.applications.tables import Applicant, Application
from models.applications.views import load_application_view
from models.core.audit import AuditEvent
from models.core.base import new_id
from models.core.db import new_session
from models.core.notices import Notice
from models.people.service import create_user
from models.programmes.service import demo_programme, ensure_programme
from models.programmes.tables import Programme
from tests.applications.helpers import application_in, payload


def _submit(session: Session, **overrides) -> Application:  # noqa: ANN003
    result = submit_application(session=session, data=application_in(**overrides))
    session.commit()
    return session.get(Application, result.id)  # type: ignore[return-value]


def _age(session: Session, app: Application, days: int, status: str | None = None) -> None:
    app.submitted_at = app.submitted_at - timedelta(days=days)
    app.status = status or app.status
    session.add(app)
    session.commit()


def _db(db_url: str) -> Session:
    s = new_session()
    ensure_programme(s, demo_programme())
    s.commit()
    return s


def test_a_grant_funded_and_closed_last_week_is_flagged_with_reasons(db_url: str) -> None:
    with _db(db_url) as s:
        caseworker, _, _ = create_user(s, email="cw@example.invalid", role="caseworker")
        s.commit()
        closed = _submit(s)
        _age(s, closed, 7, status="closed")
        new = _submit(s, applicant={"name": "Test Person Other", "phone": None})
        assert steps.triage_one(s, new.id) == "eligible"  # a closed case asks her nothing
        s.commit()
        view = load_application_view(session=s, application=new, role="caseworker")
        [dup] = view["duplicates"]
        assert (dup["id"], dup["status"], dup["signals"]) == (closed.id, "closed", ["email"])
        assert dup["reasons"] == ["same e-mail address"]
        from forms.render import render_html
        html = render_html("staff/_other_funds.html", {"case": view}, lang="es")
        assert closed.id[:8] in html and "mismo correo electrónico" in html  # in her words
        notice = s.exec(select(Notice).where(Notice.kind == "duplicate_flagged")).one()
        assert notice.recipient_id == caseworker.id
        event = s.exec(select(AuditEvent).where(
            AuditEvent.action == "application.duplicates_flagged")).one()
        assert json.loads(event.data)["earlier"] == [{"id": closed.id, "signals": ["email"]}]
        assert "example.invalid" not in str(event.data)  # ids and codes only


def test_other_kinds_every_signal_and_the_window_from_the_programme(db_url: str) -> None:
    with _db(db_url) as s:
        shelter = _submit(s, kind="shelter")
        _age(s, shelter, 200, status="withdrawn")
        old_visa = _submit(s, kind="visa")
        _age(s, old_visa, 400)
        new = _submit(s)
        applicant = s.get(Applicant, new.applicant_id)
        found = earlier_matches(s, new, applicant, days=365)
        assert [(m.application_id, m.signals) for m in found] == \
            [(shelter.id, ("email", "phone", "name_country"))]
        assert window_days(s.exec(select(Programme)).one()) == 365
        prog = s.exec(select(Programme)).one()
        prog.duplicate_window_days = 500
        s.add(prog)
        s.commit()
        view = load_application_view(session=s, application=new, role="admin")
        assert [d["id"] for d in view["duplicates"]] == [shelter.id, old_visa.id]
        new.status = "approved"  # finance sees approved grants, never the duplicates
        assert "duplicates" not in load_application_view(session=s, application=new,
                                                         role="finance")


def test_a_name_alone_in_another_country_is_not_the_same_person(db_url: str) -> None:
    with _db(db_url) as s:
        _submit(s, applicant={"email": "one@example.invalid", "phone": None, "country": "GT"})
        new = _submit(s, applicant={"email": "two@example.invalid", "phone": None,
                                    "country": "HN"})
        assert earlier_matches(s, new, s.get(Applicant, new.applicant_id), days=365) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ages=st.lists(st.integers(min_value=0, max_value=800), min_size=1, max_size=5),
       window=st.integers(min_value=1, max_value=730))
def test_exactly_the_earlier_requests_inside_the_window(session: Session, ages: list[int],
                                                       window: int) -> None:
    ensure_programme(session, demo_programme())
    person = {"email": f"p-{new_id()}@example.invalid", "phone": None,
              "name": f"Test Person {new_id()}"}
    earlier = [_submit(session, applicant=person) for _ in ages]
    new = _submit(session, applicant=person)
    for app, age in zip(earlier, ages):  # `age` days and an hour before the new one
        app.submitted_at = new.submitted_at - timedelta(days=age, hours=1)
        session.add(app)
    session.commit()
    found = {m.application_id for m in earlier_matches(
        session, new, session.get(Applicant, new.applicant_id), days=window)}
    assert found == {app.id for app, age in zip(earlier, ages) if age < window}


def test_other_funds_from_the_api_and_the_form_reach_the_review_page(sqlite_url: str) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from forms.render import render_html
    from forms.web.validate import to_application, validate
    with new_session() as s:
        ensure_programme(s, demo_programme())
        s.commit()
    body = payload(request={**payload()["request"],
                            "other_funds": "Test Fund Gamma, 500, refused"})
    with TestClient(create_app()) as client:
        r = client.post("/api/v1/applications", json=body)
        assert r.status_code == 201, r.text
        assert client.post("/api/v1/applications", json=payload()).status_code == 201  # optional
        too_long = payload(request={**payload()["request"], "other_funds": "x" * 1001})
        assert client.post("/api/v1/applications", json=too_long).status_code == 422
    with new_session() as s:
        app = s.get(Application, r.json()["id"])
        view = load_application_view(session=s, application=app, role="caseworker")
        assert view["other_funds"] == "Test Fund Gamma, 500, refused"
        assert "other_funds" not in (view["request"] or {})
        html = render_html("staff/_other_funds.html", {"case": view}, lang="es")
        assert "Test Fund Gamma" in html and "Other funds asked" not in html  # in Spanish
    values = {"request.other_funds": "Test Fund Delta"}
    app_json = to_application("grant", values, "en")
    assert app_json["request"]["other_funds"] == "Test Fund Delta"
    _, errors = validate("grant", app_json)
    assert "request.other_funds" not in errors
