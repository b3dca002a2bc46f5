"""Staff pages through the ASGI app: login, queue, case, vote, recusal, CSRF, roles."""
from __future__ import annotations

import re

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from api.auth import COOKIE
from models.core.db import session_scope
from models.reviews.tables import Vote
from tests.reviews import factories as f


@pytest.fixture
def world(sqlite_url: str):  # noqa: ANN201
    with session_scope() as s:
        prog = f.programme(s)
        _, reviewers = f.panel(s, prog=prog, members=3, on_call=0)
        secrets = {}
        for r in reviewers:
            # factories.staff returns the secret; the panel helper does not, so re-read it
            from models.people.service import totp_secret_of
            secrets[r.email] = totp_secret_of(r)
        caseworker, cw_totp = f.staff(s, role="caseworker")
        finance, fin_totp = f.staff(s, role="finance")
        secrets[caseworker.email], secrets[finance.email] = cw_totp, fin_totp
        app = f.application(s, prog=prog, amount_minor=300_000)
        ids = {"app": app.id, "reviewers": [r.email for r in reviewers],
               "caseworker": caseworker.email, "finance": finance.email}
    from api.app import create_app
    with TestClient(create_app()) as client:
        yield client, ids, secrets


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def login(client: TestClient, email: str, secret: str, next_url: str = "/staff/") -> None:
    page = client.get("/staff/login")
    resp = client.post("/staff/login", data={
        "csrf_token": _csrf(page.text), "email": email, "password": f.PASSWORD,
        "otp": pyotp.TOTP(secret).now(), "next": next_url}, follow_redirects=False)
    assert resp.status_code == 303, resp.text
    assert client.cookies.get(COOKIE)


class TestLogin:
    def test_signed_out_is_sent_to_login(self, world) -> None:  # noqa: ANN001
        client, ids, _ = world
        resp = client.get(f"/staff/cases/{ids['app']}", follow_redirects=False)
        assert resp.status_code == 303
        assert resp.headers["location"] == f"/staff/login?next=/staff/cases/{ids['app']}"

    def test_generic_error_and_cookie_flags(self, world) -> None:  # noqa: ANN001
        client, ids, secrets = world
        token = _csrf(client.get("/staff/login").text)
        bad = client.post("/staff/login", data={"csrf_token": token, "email": ids["caseworker"],
                                                "password": "wrong password!!", "otp": "000000"})
        assert bad.status_code == 401 and "Wrong e-mail, password or code." in bad.text
        no_csrf = client.post("/staff/login", data={"email": ids["caseworker"]})
        assert no_csrf.status_code == 403
        resp = client.post("/staff/login", data={
            "csrf_token": token, "email": ids["caseworker"], "password": f.PASSWORD,
            "otp": pyotp.TOTP(secrets[ids["caseworker"]]).now()}, follow_redirects=False)
        cookie = [h for h in resp.headers.get_list("set-cookie") if h.startswith(COOKIE)][0]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        home = client.get("/staff/")
        assert 'href="/staff/cases"' in home.text and 'href="/staff/queue"' not in home.text

    def test_logout(self, world) -> None:  # noqa: ANN001
        client, ids, secrets = world
        login(client, ids["caseworker"], secrets[ids["caseworker"]])
        kept = client.cookies.get(COOKIE)  # as a second tab, device or a thief would keep it
        home = client.get("/staff/")
        resp = client.post("/staff/logout", data={"csrf_token": _csrf(home.text)},
                           follow_redirects=False)
        assert resp.status_code == 303
        assert client.get("/staff/", follow_redirects=False).status_code == 303
        # the session ended on the server: the old token works neither as a cookie nor a bearer
        client.cookies.set(COOKIE, kept)
        assert client.get("/staff/", follow_redirects=False).status_code == 303
        client.cookies.clear()
        api = client.get("/api/v1/applications", headers={"Authorization": f"Bearer {kept}"})
        assert api.status_code == 401


class TestReviewPages:
    def test_queue_case_vote_recuse(self, world) -> None:  # noqa: ANN001
        client, ids, secrets = world
        r1, r2 = ids["reviewers"][:2]
        login(client, r1, secrets[r1])
        queue = client.get("/staff/queue")
        assert ids["app"] in queue.text and "left" in queue.text
        case = client.get(f"/staff/cases/{ids['app']}")
        assert case.status_code == 200 and "Risk factors" in case.text and "Surveillance" in case.text
        resp = client.post(f"/staff/cases/{ids['app']}/vote", follow_redirects=False,
                           data={"csrf_token": _csrf(case.text), "decision": "approve",
                                 "amount": "2500", "comment": "Test comment alpha"})
        assert resp.status_code == 303
        case = client.get(resp.headers["location"])
        assert "Your vote is recorded." in case.text and "Test comment alpha" in case.text
        too_much = client.post(f"/staff/cases/{ids['app']}/vote",
                               data={"csrf_token": _csrf(case.text), "decision": "approve",
                                     "amount": "99999"})
        assert too_much.status_code == 422 and "at most the amount requested" in too_much.text
        forged = client.post(f"/staff/cases/{ids['app']}/vote", data={"decision": "reject"})
        assert forged.status_code == 403
        client.cookies.clear()
        login(client, r2, secrets[r2])
        case = client.get(f"/staff/cases/{ids['app']}")
        resp = client.post(f"/staff/cases/{ids['app']}/vote", data={
            "csrf_token": _csrf(case.text), "decision": "recuse"})
        assert "no longer shown to you" in resp.text and ids["app"] not in resp.text
        assert client.get(f"/staff/cases/{ids['app']}").status_code == 404
        with session_scope() as s:
            assert sorted(v.decision for v in s.exec(select(Vote)).all()) == ["approve", "recuse"]

    def test_roles(self, world) -> None:  # noqa: ANN001
        client, ids, secrets = world
        login(client, ids["finance"], secrets[ids["finance"]])
        assert client.get("/staff/queue").status_code == 403
        moved = client.get(f"/staff/cases/{ids['app']}", follow_redirects=False)
        assert moved.headers["location"] == "/staff/finance"  # their own area's pages
        client.cookies.clear()
        login(client, ids["caseworker"], secrets[ids["caseworker"]])
        cases = client.get("/staff/cases?kind=grant&status=in_review")
        assert ids["app"] in cases.text
        case = client.get(f"/staff/cases/{ids['app']}")
        assert "Cast vote" not in case.text and "Ask the applicant" in case.text
        resp = client.post(f"/staff/cases/{ids['app']}/info", follow_redirects=False, data={
            "csrf_token": _csrf(case.text), "question": "Test question alpha?"})
        assert resp.status_code == 303
        assert "Test question alpha?" in client.get(resp.headers["location"]).text


def test_login_is_rate_limited(world) -> None:  # noqa: ANN001
    client, ids, secrets = world
    token = _csrf(client.get("/staff/login").text)
    codes = [client.post("/staff/login", data={"csrf_token": token, "email": ids["caseworker"],
                                               "password": "wrong password!!", "otp": "000000"}
                         ).status_code for _ in range(7)]
    # five free wrong attempts on this account from this client, the sixth starts a wait
    assert codes[:6] == [401] * 6 and codes[6] == 429
    right = client.post("/staff/login", data={
        "csrf_token": token, "email": ids["caseworker"], "password": f.PASSWORD,
        "otp": pyotp.TOTP(secrets[ids["caseworker"]]).now()}, follow_redirects=False)
    assert right.status_code == 429  # even the right password waits, from this client
