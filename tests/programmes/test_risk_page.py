"""Issue 14.1, the weights preview: /staff/programmes/{slug}/risk scores last month's cases
again with the weights typed (counts only), saves them as a new version with a reason, and
refuses bad input with the field named and nothing changed."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from models.core.db import session_scope
from models.people.service import totp_secret_of
from models.programmes import repository
from models.programmes.preview import preview_levels
from models.programmes.tables import DEFAULT_RISK_WEIGHTS, Programme
from tests.programmes.test_pages import _csrf, login
from tests.reviews import factories as f


def _cases(session, prog: Programme) -> None:  # noqa: ANN001
    """Two surveillance cases (low by default) and one death threat (medium)."""
    for threat, level in (("surveillance", "low"), ("surveillance", "low"),
                          ("death_threat", "medium")):
        app = f.application(session, prog=prog, risk_level=level)
        app.threat_types, app.perpetrator = [threat], None
        session.add(app)


def test_preview_counts_levels_again(db_url: str) -> None:
    with session_scope() as s:
        prog = f.programme(s)
        _cases(s, prog)
        prog_id = prog.id
    with session_scope(read_only=True) as s:
        same = preview_levels(s, programme_id=prog_id, weights=DEFAULT_RISK_WEIGHTS)
        heavier = {**DEFAULT_RISK_WEIGHTS,
                   "threat_type": {**DEFAULT_RISK_WEIGHTS["threat_type"], "surveillance": 50}}
        moved = preview_levels(s, programme_id=prog_id, weights=heavier)
    assert same.cases == 3 and same.given == same.with_weights
    assert same.given == {"critical": 0, "high": 0, "medium": 1, "low": 2}
    assert moved.with_weights == {"critical": 0, "high": 2, "medium": 1, "low": 0}
    assert moved.moved == 2


@pytest.fixture
def admin(sqlite_url: str):  # noqa: ANN201
    with session_scope() as s:
        prog = f.programme(s)
        _cases(s, prog)
        user = f.staff(s, role="admin")[0]
        worker = f.staff(s, role="caseworker")[0]
        creds = {"admin": (user.email, totp_secret_of(user)),
                 "caseworker": (worker.email, totp_secret_of(worker))}
        slug = prog.slug
    from api.app import create_app
    with TestClient(create_app()) as client:
        yield client, creds, slug


def _form(html: str, **changes: str) -> dict:
    data = dict(re.findall(r'<input id="[^"]+" name="([^"]+)" value="([^"]*)"', html))
    data.update({"csrf_token": _csrf(html), "country": "", **changes})
    return data


def test_preview_then_save_a_new_version(admin) -> None:  # noqa: ANN001
    client, creds, slug = admin
    login(client, *creds["caseworker"])
    assert client.get(f"/staff/programmes/{slug}/risk").status_code == 403
    client.cookies.clear()
    login(client, *creds["admin"])
    page = client.get(f"/staff/programmes/{slug}/risk")
    assert page.status_code == 200 and "Death threat" in page.text
    assert "3 cases in the last 30 days" in page.text
    preview = client.post(f"/staff/programmes/{slug}/risk", data=_form(
        page.text, **{"threat_type.surveillance": "50", "action": "preview"}))
    assert preview.status_code == 200
    assert "would have been" in preview.text and "2 cases would change level" in preview.text
    with session_scope(read_only=True) as s:
        assert repository.by_slug(s, slug).version == 1  # type: ignore[union-attr]
    unsaid = client.post(f"/staff/programmes/{slug}/risk", data=_form(
        preview.text, action="save"))
    assert unsaid.status_code == 422 and "Say why" in unsaid.text
    assert 'value="50"' in unsaid.text  # what she typed is kept
    saved = client.post(f"/staff/programmes/{slug}/risk", data=_form(
        unsaid.text, action="save", reason="Surveillance has escalated", country="ZZ 15"),
        follow_redirects=False)
    assert saved.status_code == 303
    with session_scope(read_only=True) as s:
        prog = repository.by_slug(s, slug)
        assert prog.version == 2  # type: ignore[union-attr]
        assert prog.risk_weights["threat_type"]["surveillance"] == 50  # type: ignore[union-attr]
        assert prog.risk_weights["country"] == {"ZZ": 15}  # type: ignore[union-attr]


@pytest.mark.parametrize("changes, field", [
    ({"imminent": "lots"}, "Type a whole number"),
    ({"imminent": "5000"}, "From 0 to 1000"),
    ({"levels.high": "90"}, "The thresholds must fall"),
    ({"country": "Narnia 15"}, "One country a line"),
])
def test_bad_weights_change_nothing(admin, changes: dict, field: str) -> None:  # noqa: ANN001
    client, creds, slug = admin
    login(client, *creds["admin"])
    page = client.get(f"/staff/programmes/{slug}/risk")
    r = client.post(f"/staff/programmes/{slug}/risk", data=_form(
        page.text, action="save", reason="test", **changes))
    assert r.status_code == 422 and field in r.text
    with session_scope(read_only=True) as s:
        assert repository.by_slug(s, slug).version == 1  # type: ignore[union-attr]
