"""Finance pages over HTTP: sign-in, roles, CSRF, filters, actions, proof upload, CSV."""
from __future__ import annotations

import re

from api.auth import COOKIE, issue_token
from models.core.db import session_scope
from models.money import repository, service
from tests.money import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _world():  # type: ignore[no-untyped-def]
    with session_scope() as session:
        prog = f.programme(session)
        [d] = service.create_disbursements(session=session,
                                           application=f.grant(session, prog=prog))
        a, b = f.staff(session, n=2)
        [rev] = f.staff(session, role="reviewer")
        return d.id, issue_token(a)[0], issue_token(b)[0], issue_token(rev)[0]


def _table(html: str) -> str:
    return html.split('<table id="disbursements"', 1)[1].split("</table>", 1)[0]


def _csrf(client, url: str) -> str:  # type: ignore[no-untyped-def]
    page = client.get(url)
    assert page.status_code == 200, page.text[:300]
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_signed_out_goes_to_login_and_other_roles_are_refused(sqlite_client):
    client = sqlite_client
    d_id, _a, _b, rev = _world()
    answer = client.get("/staff/finance", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/staff/login")
    client.cookies.set(COOKIE, rev)
    assert client.get("/staff/finance").status_code == 403
    assert client.get(f"/staff/finance/disbursements/{d_id}").status_code == 403


def test_approve_send_confirm_and_proof_through_the_pages(sqlite_client):
    client = sqlite_client
    d_id, a, _b, _rev = _world()
    client.cookies.set(COOKIE, a)
    url = f"/staff/finance/disbursements/{d_id}"
    token = _csrf(client, url)
    refused = client.post(url + "/approve", data={"rail": "bank_wire"})
    assert refused.status_code == 403  # no CSRF token
    done = client.post(url + "/approve", data={"csrf_token": token, "rail": "mobile_money",
                                               "destination": "wallet-test-0001"},
                       follow_redirects=False)
    assert done.status_code == 303
    bad = client.post(url + "/send", data={"csrf_token": token, "reference": ""})
    assert bad.status_code == 422 and "Enter the reference." in bad.text  # in words
    client.post(url + "/send", data={"csrf_token": token, "reference": "MM-REF-1"})
    client.post(url + "/confirm", data={"csrf_token": token, "reference": "MM-REF-1"})
    upload = client.post(url + "/proof", data={"csrf_token": token},
                         files={"file": ("slip.png", PNG, "image/png")}, follow_redirects=False)
    assert upload.status_code == 303
    not_image = client.post(url + "/proof", data={"csrf_token": token},
                            files={"file": ("x.png", b"MZ" * 20, "image/png")})
    assert not_image.status_code == 422
    page = client.get(url).text
    assert "image/png" in page and "wallet-test-0001" in page
    with session_scope() as session:
        assert repository.get(session, d_id).status == "confirmed"
    home = client.get("/staff/finance?status=confirmed&rail=mobile_money")
    assert d_id[:8] in home.text and "<svg" in home.text and "<rect" in home.text
    assert d_id[:8] not in _table(client.get("/staff/finance?status=draft").text)
    assert d_id[:8] in _table(home.text)
    csv_text = client.get("/staff/finance/export.csv?status=confirmed").text
    header, row = csv_text.strip().splitlines()
    assert header.startswith("id,application_id") and row.startswith(d_id)
    assert ",3000.00,EUR,mobile_money,confirmed," in row


def test_reconciliation_page_runs_and_lists(sqlite_client, stripe_fake):
    client = sqlite_client
    _d, a, _b, _rev = _world()
    client.cookies.set(COOKIE, a)
    token = _csrf(client, "/staff/finance/reconciliation")
    answer = client.post("/staff/finance/reconciliation", data={"csrf_token": token})
    assert answer.status_code == 200 and "No differences." in answer.text


def test_budget_form(sqlite_client):
    client = sqlite_client
    _d, a, _b, _rev = _world()
    client.cookies.set(COOKIE, a)
    page = client.get("/staff/finance").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    programme = re.search(r'id="b-programme" name="programme"><option value="([^"]+)"', page).group(1)
    saved = client.post("/staff/finance/budget", data={"csrf_token": token, "programme": programme,
                                                       "currency": "usd", "amount": "1234.50"})
    assert "Budget saved." in saved.text and "1,234.50" in saved.text
    bad = client.post("/staff/finance/budget", data={"csrf_token": token, "programme": programme,
                                                     "currency": "usd", "amount": "lots"})
    assert "not a number" in bad.text


def test_staff_pages_and_the_csv_export_carry_a_strict_csp(sqlite_url):
    """No inline script or style on staff pages: a payload that slipped past escaping
    could not run (issue 12: second lines of defence). The whole app, as served."""
    from fastapi.testclient import TestClient
    from api.app import create_app
    _d, a, _b, _rev = _world()
    with TestClient(create_app()) as client:
        client.cookies.set(COOKIE, a)
        _check_csp(client)


def _check_csp(client) -> None:  # type: ignore[no-untyped-def]
    for url in ("/staff/finance", "/staff/finance/export.csv", "/staff/login"):
        answer = client.get(url)
        assert answer.status_code == 200, url
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp, url
        assert "unsafe-inline" not in csp
        assert " style=" not in answer.text and "<style" not in answer.text, url


def test_search_by_payment_id_case_id_or_reference(sqlite_client):
    """Issue 15: finance finds a payment by its id, its case's id or its reference."""
    from models.money.batches import payment_reference
    client = sqlite_client
    d_id, a, _b, _rev = _world()
    with session_scope() as session:
        f.grant(session, prog=f.programme(session, slug="other-test"))  # a second case
        case_id = repository.get(session, d_id).application_id
    client.cookies.set(COOKIE, a)
    reference = payment_reference(d_id)
    for typed in (d_id[:8], case_id[:8], reference, reference.lower().replace("-", " ")):
        page = client.get("/staff/finance", params={"q": typed})
        assert page.status_code == 200 and d_id[:8] in _table(page.text), typed
    none = client.get("/staff/finance", params={"q": "zzzz"})
    assert d_id[:8] not in _table(none.text)
    assert 'name="q"' in none.text and 'value="zzzz"' in none.text  # kept
