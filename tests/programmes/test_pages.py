"""/staff/programmes: admin only, linked from the admin's start page; the edit form saves a new
version (CSRF checked) and shows the reason a quorum is refused."""
from __future__ import annotations

import re

import pyotp
import pytest
from fastapi.testclient import TestClient

from models.core.db import session_scope
from models.people.service import totp_secret_of
from tests.reviews import factories as f


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def login(client: TestClient, email: str, secret: str) -> None:
    page = client.get("/staff/login")
    resp = client.post("/staff/login", data={
        "csrf_token": _csrf(page.text), "email": email, "password": f.PASSWORD,
        "otp": pyotp.TOTP(secret).now()}, follow_redirects=False)
    assert resp.status_code == 303, resp.text


@pytest.fixture
def pages(sqlite_url: str):  # noqa: ANN201
    with session_scope() as s:
        prog = f.programme(s)
        f.panel(s, prog=prog, members=3)
        creds = {role: (u.email, totp_secret_of(u)) for role, u in
                 ((r, f.staff(s, role=r)[0]) for r in ("admin", "caseworker"))}
    from api.app import create_app
    with TestClient(create_app()) as client:
        yield client, creds


def _form(html: str, **changes: str) -> dict:
    """The edit form as the browser would post it, with changes."""
    data = {name: value for name, value in re.findall(
        r'<input id="[^"]+" name="([^"]+)" type="[^"]+" value="([^"]*)"', html)}
    data.update({"csrf_token": _csrf(html), "kinds": ["grant", "shelter", "visa"],
                 "active": "on", **changes})
    return data


def test_admin_edits_a_programme_as_a_new_version(pages) -> None:  # noqa: ANN001
    client, creds = pages
    assert client.get("/staff/programmes", follow_redirects=False).status_code == 303
    login(client, *creds["caseworker"])
    assert client.get("/staff/programmes").status_code == 403
    assert client.get("/staff/programmes/emergency").status_code == 403
    client.cookies.clear()
    login(client, *creds["admin"])
    assert 'href="/staff/programmes"' in client.get("/staff/").text
    listing = client.get("/staff/programmes")
    assert listing.status_code == 200 and 'href="/staff/programmes/emergency"' in listing.text
    page = client.get("/staff/programmes/emergency")
    assert page.status_code == 200 and 'value="10000"' in page.text
    assert "style=" not in page.text and "<script>" not in page.text  # strict CSP

    no_csrf = client.post("/staff/programmes/emergency",
                          data={**_form(page.text, cap="12000", reason="r"), "csrf_token": "x"})
    assert no_csrf.status_code in (400, 403)

    refused = client.post("/staff/programmes/emergency",
                          data=_form(page.text, quorum="5", reason="bigger quorum"))
    assert refused.status_code == 422
    assert "A whole number from 1 to the panel&#39;s active reviewers" in refused.text
    assert "(now 3)" in refused.text  # the reason, in words: the panel has three
    assert 'value="5"' in refused.text  # what was typed stays

    saved = client.post("/staff/programmes/emergency", follow_redirects=False,
                        data=_form(page.text, cap="12000", reason="board decision"))
    assert saved.status_code == 303, saved.text
    after = client.get(saved.headers["location"]).text
    assert 'value="12000"' in after and "board decision" in after
    assert "version 2" in after
    assert client.get("/staff/programmes/nope").status_code == 404


def test_the_case_page_says_which_version(pages) -> None:  # noqa: ANN001
    from sqlmodel import select

    from models.applications import routing
    from models.programmes.tables import Programme
    client, creds = pages
    with session_scope() as s:
        prog = s.exec(select(Programme).where(Programme.slug == "emergency")).one()
        case = f.application(s, prog=prog, status="risk_assessed")
        routing.route(s, case, prog)
        case_id = case.id
    login(client, *creds["caseworker"])
    page = client.get(f"/staff/cases/{case_id}")
    assert page.status_code == 200, page.text
    assert "routed under version 1" in page.text
