"""Three real instances (issue 19): A refers and checks, B receives and answers, C holds
nothing. Referral with consent, refusal without it, a decline that leaves nothing at B, a
co-funding match (B) and non-match (C), tampered, replayed, stale and unknown-key requests
refused, a suspended peer refused, and B's files holding nothing of A's cases in clear."""
from __future__ import annotations

import base64
import json
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from nacl.signing import SigningKey

from models.network import psi, signing
from tests.network.harness import ADMIN, CASEWORKER, Instance, start_all
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def person(n: str) -> dict[str, str]:
    return {"name": f"Testperson Network{n} Quokka", "email": f"network{n.lower()}@example.invalid",
            "phone": f"+00 555 {ord(n):03d} 0101", "country": "ZZ"}


def application(who: dict[str, str]) -> dict[str, Any]:
    return {
        "kind": "grant", "language": "en", "applicant": {**who, "organisation": "Fictional Net"},
        "threat": {"description": "Fictional threat for the network tests.",
                   "types": ["surveillance"], "imminent": False, "perpetrator": "corporate",
                   "prior_attacks": 0},
        "dependants": 0, "request": {"amount": 1000, "currency": "EUR",
                                     "purpose": "Fictional network purpose"}}


@pytest.fixture(scope="module")
def net() -> Iterator[dict[str, Any]]:
    (a, b, c), _root = start_all([("a", "127.0.0.2", False), ("b", "127.0.0.3", True),
                                  ("c", "127.0.0.4", False)])
    try:
        ids = {"b_at_a": a.link(b, kinds=["grant"]), "a_at_b": b.link(a, kinds=["grant"]),
               "c_at_a": a.link(c, kinds=[]), "a_at_c": c.link(a, kinds=[])}
        yield {"a": a, "b": b, "c": c, **ids}
    finally:
        for instance in (a, b, c):
            instance.deployment.server.stop()


def submit(instance: Instance, who: dict[str, str]) -> dict[str, Any]:
    r = instance.api("POST", "/applications", json=application(who))
    assert r.status_code == 201, r.text
    return r.json()


def offer(net: dict[str, Any], application_id: str) -> str:
    r = net["a"].api("POST", "/network/offers", CASEWORKER, json={
        "application_id": application_id, "peer_id": net["b_at_a"], "reason": "budget_spent"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def mine(instance: Instance, receipt: str) -> list[dict[str, Any]]:
    r = instance.api("POST", "/network/mine", json={"receipt": receipt})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def received(net: dict[str, Any]) -> list[dict[str, Any]]:
    r = net["b"].api("GET", "/network/referrals?role=received", CASEWORKER)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_referral_with_consent(net: dict[str, Any]) -> None:
    a, b = net["a"], net["b"]
    case = submit(a, person("A"))
    referral_id = offer(net, case["id"])
    before = len(received(net))
    assert mine(a, case["receipt"])[0]["status"] == "offered"
    assert mine(a, case["receipt"])[0]["to"] == "Fund b"
    assert len(received(net)) == before  # nothing travels before she consents

    r = a.api("POST", f"/network/mine/{referral_id}/consent", json={"receipt": case["receipt"]})
    assert r.status_code == 200, r.text
    assert r.json()["items"][0]["status"] == "consented"
    incoming = [x for x in received(net) if x["status"] == "consented"]
    assert len(incoming) == 1 and incoming[0]["peer_id"] == net["a_at_b"]

    r = b.api("POST", f"/network/received/{incoming[0]['id']}/accept", CASEWORKER)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "accepted" and r.json()["peer_told"] is True
    new_app = r.json()["application_id"]

    shown = mine(a, case["receipt"])[0]
    assert shown["status"] == "accepted" and shown["new_receipt"]
    status = b.deployment.status(shown["new_receipt"])  # her own receipt flow at B
    assert status["kind"] == "grant"
    seen = b.api("GET", f"/applications/{new_app}", ADMIN).json()
    assert seen["id"] == new_app


def test_refusal_without_consent(net: dict[str, Any]) -> None:
    a = net["a"]
    case = submit(a, person("R"))
    referral_id = offer(net, case["id"])
    before = len(received(net))
    r = a.api("POST", f"/network/mine/{referral_id}/refuse", json={"receipt": case["receipt"]})
    assert r.status_code == 200 and r.json()["items"][0]["status"] == "declined"
    r = a.api("POST", f"/network/mine/{referral_id}/consent", json={"receipt": case["receipt"]})
    assert r.status_code == 409
    assert len(received(net)) == before
    other = submit(a, person("W"))  # another receipt cannot consent for her
    r = a.api("POST", f"/network/mine/{referral_id}/consent", json={"receipt": other["receipt"]})
    assert r.status_code == 404


def test_declined_at_the_peer_leaves_nothing(net: dict[str, Any]) -> None:
    a, b = net["a"], net["b"]
    case = submit(a, person("D"))
    referral_id = offer(net, case["id"])
    assert a.api("POST", f"/network/mine/{referral_id}/consent",
                 json={"receipt": case["receipt"]}).status_code == 200
    incoming = [x for x in received(net) if x["status"] == "consented"][0]
    r = b.api("POST", f"/network/received/{incoming['id']}/decline", CASEWORKER)
    assert r.status_code == 200 and r.json()["status"] == "declined"
    assert mine(a, case["receipt"])[0]["status"] == "declined"
    with sqlite3.connect(b.data_dir / "amparo.db") as db:
        row = db.execute("select payload_enc, receipt_sealed, application_id from "
                         "network_referral where id = ?", (incoming["id"],)).fetchone()
    assert row == (None, None, None)


def test_cofunding_match_and_non_match(net: dict[str, Any]) -> None:
    a, b = net["a"], net["b"]
    who = person("M")
    submit(b, {**who, "email": who["email"].upper(), "name": "quokka  testperson networkm"})
    case = submit(a, who)
    r = a.api("POST", "/network/cofunding", CASEWORKER, json={"application_id": case["id"]})
    assert r.status_code == 200, r.text
    by_peer = {x["peer_id"]: x for x in r.json()["items"]}
    assert by_peer[net["b_at_a"]] == {"peer_id": net["b_at_a"], "peer": "Fund b",
                                      "outcome": "match", "band": "open", "purpose": "grant"}
    assert by_peer[net["c_at_a"]]["outcome"] == "no_match"
    assert by_peer[net["c_at_a"]]["band"] is None
    fresh = submit(a, person("N"))
    r = a.api("POST", "/network/cofunding", CASEWORKER, json={"application_id": fresh["id"]})
    assert {x["outcome"] for x in r.json()["items"]} == {"no_match"}
    peers = {p["id"]: p for p in b.api("GET", "/network/peers", ADMIN).json()["items"]}
    assert peers[net["a_at_b"]]["exchanges"]["checks_today"] >= 2


def _rogue(net: dict[str, Any]) -> tuple[SigningKey, Instance]:
    """The test itself as a peer of B (its key linked by B's admin), to sign by hand."""
    b = net["b"]
    if "rogue" not in net:
        key = SigningKey.generate()
        r = b.api("POST", "/network/peers", ADMIN, json={
            "name": "Fund test", "url": "http://127.0.0.9:9",
            "sign_public": signing.b64(bytes(key.verify_key)),
            "box_public": signing.b64(bytes(key.verify_key)), "checks_allowed": True})
        assert r.status_code == 201, r.text
        net["rogue"] = key
    return net["rogue"], b


def _check_body() -> bytes:
    asker = psi.Asker(psi.identity_tokens(name="Nobody Here", email=None, phone=None,
                                          country="ZZ"), "grant")
    return json.dumps({"purpose": "grant",
                       "request": base64.b64encode(asker.request()).decode()}).encode()


def _send(b: Instance, headers: dict[str, str], body: bytes) -> httpx.Response:
    return httpx.post(b.url + "/api/v1/network/checks", content=body, headers=headers,
                      timeout=30)


def test_tampered_replayed_stale_and_unknown_refused(net: dict[str, Any]) -> None:
    key, b = _rogue(net)
    body = _check_body()
    path = "/api/v1/network/checks"
    signed = signing.sign_request(key, method="POST", path=path, body=body,
                                  recipient_public=b.keys["sign_public"])
    ok = _send(b, signed.headers, body)
    assert ok.status_code == 200, ok.text
    signing.verify_answer(b.keys["sign_public"], signed.nonce, 200, ok.content,
                          ok.headers[signing.H_SIG])  # B's answer is B's
    assert _send(b, signed.headers, body).status_code == 401  # replayed
    fresh = signing.sign_request(key, method="POST", path=path, body=body,
                                 recipient_public=b.keys["sign_public"])
    tampered = body.replace(b'"grant"', b'"visa"')
    assert _send(b, fresh.headers, tampered).status_code == 401
    stale = signing.sign_request(key, method="POST", path=path, body=body,
                                 recipient_public=b.keys["sign_public"], now=time.time() - 3600)
    assert _send(b, stale.headers, body).status_code == 401
    stranger = signing.sign_request(SigningKey.generate(), method="POST", path=path, body=body,
                                    recipient_public=b.keys["sign_public"])
    assert _send(b, stranger.headers, body).status_code == 401
    other = signing.sign_request(key, method="POST", path=path, body=body,  # meant for A
                                 recipient_public=net["a"].keys["sign_public"])
    assert _send(b, other.headers, body).status_code == 401
    peers = {p["name"]: p for p in b.api("GET", "/network/peers", ADMIN).json()["items"]}
    assert peers["Fund test"]["exchanges"]["refused"] >= 4


def test_suspended_peer_refused_at_once(net: dict[str, Any]) -> None:
    a, b = net["a"], net["b"]
    r = b.api("PATCH", f"/network/peers/{net['a_at_b']}", ADMIN, json={"status": "suspended"})
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    try:
        case = submit(a, person("S"))
        r = a.api("POST", "/network/cofunding", CASEWORKER, json={"application_id": case["id"]})
        outcomes = {x["peer_id"]: x["outcome"] for x in r.json()["items"]}
        assert outcomes[net["b_at_a"]] == "refused"
        referral_id = offer(net, case["id"])
        r = a.api("POST", f"/network/mine/{referral_id}/consent",
                  json={"receipt": case["receipt"]})
        assert r.status_code == 502
        assert mine(a, case["receipt"])[0]["status"] == "offered"  # she may try again later
    finally:
        b.api("PATCH", f"/network/peers/{net['a_at_b']}", ADMIN, json={"status": "active"})


def _sign_in(page: Any, instance: Instance, email: str) -> None:
    from tests.support.totp import unspent_code
    person = instance.deployment.staff[email]
    for _ in range(3):  # a code works once: each try sends one not sent before
        page.goto(instance.url + "/staff/login")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(person.password)
        page.get_by_label("6-digit code").fill(unspent_code(person.totp))
        page.get_by_role("button", name="Sign in").click()
        if "/staff/login" not in page.url:
            return
    raise AssertionError("could not sign in")


@pytest.mark.browser
def test_refer_and_consent_in_the_browser(net: dict[str, Any], page: Any) -> None:
    """A caseworker refers a case on her page; the defender consents on her status page and,
    once B accepts, reads her new receipt there (Chromium, phone and desktop screenshots)."""
    from tests.support.browser import screenshot_dir
    a, b = net["a"], net["b"]
    shots = screenshot_dir()
    case = submit(a, person("B"))
    _sign_in(page, a, CASEWORKER)
    page.get_by_role("link", name="Referrals").click()
    page.get_by_label("Refer or check a case: its number").fill(case["id"][:8])
    page.get_by_role("button", name="Open the case").click()
    assert page.url.endswith(f"/staff/network/case/{case['id']}")
    page.get_by_label("Reason").select_option("out_of_mandate")
    page.screenshot(path=shots / "network-refer.png", full_page=True)
    page.get_by_role("button", name="Offer the referral").click()
    expect(page.get_by_text("Fund b: Offered")).to_be_visible()  # waits for the page to load
    assert "done=offered" in page.url
    before = len(received(net))

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{a.url}/status")
    page.get_by_label("Your receipt code").fill(case["receipt"])
    page.get_by_role("button", name="Show my application").click()
    expect(page.get_by_text("We propose to pass your case to Fund b")).to_be_visible()
    page.screenshot(path=shots / "network-consent-phone.png", full_page=True)
    assert len(received(net)) == before  # still nothing at B
    page.get_by_role("button", name="I agree: send my case to this fund").click()
    expect(page.get_by_text("Your case was sent to the fund you chose")).to_be_visible()

    incoming = [x for x in received(net) if x["status"] == "consented"]
    assert len(incoming) == 1
    r = b.api("POST", f"/network/received/{incoming[0]['id']}/accept", CASEWORKER)
    assert r.status_code == 200 and r.json()["peer_told"] is True

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{a.url}/status")
    page.get_by_label("Your receipt code").fill(case["receipt"])
    page.get_by_role("button", name="Show my application").click()
    expect(page.get_by_text("Your code for your application at Fund b")).to_be_visible()
    new_receipt = page.locator("strong.receipt").inner_text()
    assert b.deployment.status(new_receipt)["kind"] == "grant"
    page.screenshot(path=shots / "network-accepted-desktop.png", full_page=True)


@pytest.mark.browser
def test_admin_links_and_suspends_in_the_browser(net: dict[str, Any], page: Any) -> None:
    """The admin's page: this fund's fingerprints, the peers' with their counts; a bad key
    refused with what she typed kept; a fund linked, then suspended at once."""
    from tests.support.browser import screenshot_dir
    a, b = net["a"], net["b"]
    shots = screenshot_dir()
    _sign_in(page, a, ADMIN)
    page.get_by_role("link", name="Network", exact=True).click()
    expect(page.get_by_text(a.keys["sign_fingerprint"])).to_be_visible()
    expect(page.get_by_text(b.keys["sign_fingerprint"])).to_be_visible()
    page.get_by_label("Organisation").fill("Fund Typed Here")
    page.get_by_label("Address of its Amparo").fill("https://fund.example.invalid")
    page.get_by_label("Its signing public key").fill("not a key")
    page.get_by_label("Its sealing public key").fill(b.keys["box_public"])
    page.get_by_role("button", name="Link this fund").click()
    expect(page.get_by_text("Please check this field.")).to_be_visible()
    assert page.get_by_label("Organisation").input_value() == "Fund Typed Here"
    key = signing.b64(bytes(SigningKey.generate().verify_key))
    page.get_by_label("Its signing public key").fill(key)
    page.get_by_role("button", name="Link this fund").click()
    assert "done=linked" in page.url
    row = page.get_by_role("row").filter(has_text="Fund Typed Here")
    row.get_by_role("button", name="Suspend now").click()
    row = page.get_by_role("row").filter(has_text="Fund Typed Here")
    expect(row.get_by_text("Suspended")).to_be_visible()
    page.screenshot(path=shots / "network-peers-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=shots / "network-peers-phone.png", full_page=True)


def test_b_holds_nothing_of_a_beyond_consent(net: dict[str, Any]) -> None:
    """Runs last: every name, e-mail and phone A's cases used, in B's database, WAL,
    Prefect store and log. None in clear, even the consented one (sealed at rest)."""
    blob = net["b"].files_text().lower()
    for n in ("A", "B", "R", "W", "D", "N", "S"):
        for value in person(n).values():
            if len(value) > 3:
                assert value.lower().encode() not in blob, (n, value)
    log_a = net["a"].deployment.server.log_text().casefold()
    for n in ("A", "R", "D", "M"):
        assert person(n)["name"].casefold() not in log_a
    audit = net["b"].api("GET", "/audit?limit=500", ADMIN).json()
    assert audit["verified"] is True
    assert {"network.referral.in", "network.check.in", "network.referral_status.out",
            "network.referral.accepted"} <= {e["action"] for e in audit["items"]}
    audit_a = net["a"].api("GET", "/audit?limit=500", ADMIN).json()
    assert audit_a["verified"] is True
    assert {"network.referral.offered", "network.referral.consented", "network.referral.out",
            "network.check.out", "network.referral_status.in"} <= {
        e["action"] for e in audit_a["items"]}
