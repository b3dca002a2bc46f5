"""The network's staff pages in-process: who may open them, CSRF on every POST, strict CSP
(no inline style or script), a suspended peer shown at once, a case found by its number."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from models.core.db import session_scope
from models.network import keys
from models.people.service import totp_secret_of
from tests.factories import make_application
from tests.programmes.test_pages import _csrf, login
from tests.reviews import factories as f


@pytest.fixture
def pages(sqlite_url: str):  # noqa: ANN201
    keys.forget_keys()
    with session_scope() as s:
        prog = f.programme(s)
        f.panel(s, prog=prog, members=3)
        creds = {role: (u.email, totp_secret_of(u)) for role, u in
                 ((r, f.staff(s, role=r)[0]) for r in ("admin", "caseworker", "reviewer"))}
        app_id = make_application(s).id
    from api.app import create_app
    with TestClient(create_app()) as client:
        yield client, creds, app_id
    keys.forget_keys()


def test_roles_csrf_and_a_suspension(pages) -> None:  # noqa: ANN001
    client, creds, app_id = pages
    login(client, *creds["reviewer"])
    assert client.get("/staff/network").status_code == 403
    assert client.get("/staff/network/referrals").status_code == 403
    client.cookies.clear()
    login(client, *creds["caseworker"])
    assert client.get("/staff/network").status_code == 403
    listing = client.get("/staff/network/referrals")
    assert listing.status_code == 200 and "style=" not in listing.text
    found = client.get("/staff/network/case", params={"case": app_id[:8]},
                       follow_redirects=False)
    assert found.headers["location"] == f"/staff/network/case/{app_id}"
    assert client.get("/staff/network/case", params={"case": "zz"}).status_code == 404
    case = client.get(f"/staff/network/case/{app_id}")
    assert case.status_code == 200 and "No linked fund takes this kind of case." in case.text
    client.cookies.clear()

    login(client, *creds["admin"])
    home = client.get("/staff/network")
    me = keys.identity()
    assert me.sign_fingerprint in home.text and "<script>" not in home.text
    form = {"name": "Fund Page Test", "url": "https://fund.example.invalid",
            "sign_public": me.sign_public, "box_public": me.box_public,
            "referral_kinds": "grant", "checks_per_day": "5"}
    stale = client.post("/staff/network/peers", data={**form, "csrf_token": "x"})
    assert stale.status_code in (400, 403)
    linked = client.post("/staff/network/peers", data={**form, "csrf_token": _csrf(home.text)},
                         follow_redirects=False)
    assert linked.status_code == 303, linked.text
    again = client.post("/staff/network/peers", data={**form, "csrf_token": _csrf(home.text)})
    assert again.status_code == 422 and 'value="Fund Page Test"' in again.text
    page = client.get("/staff/network")
    peer_id = page.text.split('action="/staff/network/peers/')[1].split("/")[0]
    client.post(f"/staff/network/peers/{peer_id}/status",
                data={"status": "suspended", "csrf_token": _csrf(page.text)})
    assert "Suspended" in client.get("/staff/network").text
