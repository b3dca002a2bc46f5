"""Issue 14.2, the register of declared conflicts: a case touching a reviewer's declared
country, organisation or person is never offered to her (recused by routing, audited, no
e-mail), a conflict declared later recuses her from open cases, nothing is compared or kept
in clear; and the admin keeps the register from a page."""
from __future__ import annotations

import re

import pyotp
from fastapi.testclient import TestClient
from sqlmodel import select

from models.core.audit import AuditEvent
from models.core.db import new_session, session_scope
from models.core.errors import Invalid
from models.core.notices import Notice
from models.programmes.service import demo_programme, ensure_programme, programme_by_slug
from models.reviews import conflicts
from models.reviews.service import may_review
from models.reviews.tables import Vote
from tests.casework.conftest import make_case
from tests.reviews import factories as f


def _fund():  # noqa: ANN202
    s = new_session()
    prog = ensure_programme(s, demo_programme())
    s.commit()
    _, reviewers = f.panel(s, prog=programme_by_slug(s, "emergency"), members=4, on_call=0)
    s.commit()
    return s, reviewers


def test_a_declared_conflict_keeps_the_case_from_her(db_url: str) -> None:
    s, reviewers = _fund()
    try:
        country, org, person = reviewers[0], reviewers[1], reviewers[2]
        conflicts.declare(s, user_id=country.id, kind="country", value="zz", actor_id="admin")
        conflicts.declare(s, user_id=org.id, kind="organisation", value=" test org BETA ",
                          actor_id="admin")  # the endorser's organisation, spelt otherwise
        conflicts.declare(s, user_id=person.id, kind="person", value="Test Person Alpha",
                          actor_id="admin")
        s.commit()
        case = make_case(s)
        assert case.status == "in_review"
        recused = {v.reviewer_id for v in s.exec(select(Vote).where(
            Vote.application_id == case.id, Vote.decision == "recuse")).all()}
        assert recused == {country.id, org.id, person.id}
        assert may_review(s, application=case, reviewer=reviewers[3])
        assert not may_review(s, application=case, reviewer=country)
        told = {n.recipient_id for n in s.exec(select(Notice).where(
            Notice.application_id == case.id)).all()}
        assert reviewers[3].id in told and not told & recused
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "review.auto_recused",
                                                 AuditEvent.entity_id == case.id)).all()
        assert len(events) == 3
        rows = s.exec(select(conflicts.ReviewerConflict)).all()
        assert not any("Alpha" in r.match_key or "Alpha" in (r.label_enc or "") for r in rows)
    finally:
        s.close()


def test_a_conflict_declared_later_recuses_her_from_open_cases(db_url: str) -> None:
    s, reviewers = _fund()
    try:
        case = make_case(s)
        late = reviewers[1]
        assert may_review(s, application=case, reviewer=late)
        conflicts.declare(s, user_id=late.id, kind="organisation", value="Test Org Alpha",
                          actor_id="admin")
        s.commit()
        assert not may_review(s, application=case, reviewer=late)
        other = make_case(s, applicant={"organisation": "Another Test Org", "country": "YY"},
                          endorser={"name": "Other Endorser", "organisation": "Other Org",
                                    "contact": "other@example.invalid"})
        assert may_review(s, application=other, reviewer=late)
        try:
            conflicts.declare(s, user_id=late.id, kind="country", value="Narnia",
                              actor_id="admin")
        except Invalid as exc:
            assert "value" in exc.fields
        else:
            raise AssertionError("a country that is no code was accepted")
    finally:
        s.close()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_the_admin_keeps_the_register_from_a_page(sqlite_url: str) -> None:
    with session_scope() as s:
        admin, secret = f.staff(s, role="admin", email="conflict-admin@example.invalid")
        reviewer, _ = f.staff(s, role="reviewer", email="conflict-rev@example.invalid")
        admin_email, reviewer_id = admin.email, reviewer.id
    from api.app import create_app
    with TestClient(create_app()) as client:
        login = client.get("/staff/login")
        client.post("/staff/login", data={"csrf_token": _csrf(login.text), "email": admin_email,
                                          "password": f.PASSWORD,
                                          "otp": pyotp.TOTP(secret).now()})
        person = client.get(f"/staff/users/{reviewer_id}")
        assert f'/staff/users/{reviewer_id}/conflicts' in person.text
        page = client.get(f"/staff/users/{reviewer_id}/conflicts")
        assert "No conflicts declared" in page.text
        bad = client.post(f"/staff/users/{reviewer_id}/conflicts", data={
            "csrf_token": _csrf(page.text), "kind": "country", "value": "Narnia"})
        assert bad.status_code == 422 and 'value="Narnia"' in bad.text
        ok = client.post(f"/staff/users/{reviewer_id}/conflicts", data={
            "csrf_token": _csrf(page.text), "kind": "organisation",
            "value": "Fictional Watchdog Collective"})
        assert "Fictional Watchdog Collective" in ok.text and "Added" in ok.text
        withdraw = re.search(r'action="(/staff/users/[^"]+/withdraw)"', ok.text).group(1)  # type: ignore[union-attr]
        gone = client.post(withdraw, data={"csrf_token": _csrf(ok.text)})
        assert "No conflicts declared" in gone.text
