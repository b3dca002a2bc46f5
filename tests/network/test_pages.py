"""The network's templates render in every language, in words (no codes), without a server:
the admin's peers page, the referrals list, a case's refer/check page and her include."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from forms.render import environment, render_html

LANGS = ("en", "es", "fr", "pt", "ar", "sw")
PEER = {"id": "p1", "name": "Fund Test", "url": "https://fund.example.invalid",
        "status": "active", "sign_fingerprint": "AAAA " * 16, "box_fingerprint": "BBBB " * 16,
        "referral_kinds": ["grant"], "checks_allowed": True, "checks_per_day": 20,
        "exchanges": {"in": 3, "out": 2, "refused": 1, "checks_today": 1}}


@pytest.fixture(autouse=True)
def labels():  # noqa: ANN201
    import api.pages.network as pages  # registers the template functions
    yield pages.LABELS


@pytest.mark.parametrize("lang", LANGS)
def test_admin_page_shows_fingerprints_and_counts(lang: str, labels: dict) -> None:
    me = SimpleNamespace(sign_public="c2lnbg==", box_public="Ym94", sign_fingerprint="1234 " * 16,
                         box_fingerprint="5678 " * 16)
    html = render_html("staff/network/peers.html", {
        "me": me, "peers": [PEER], "labels": labels, "kinds": ("grant", "shelter", "visa"),
        "values": {}, "problems": {}, "user": None, "csrf_token": "t"}, lang=lang)
    assert "1234 1234" in html and "AAAA AAAA" in html and "Fund Test" in html
    assert "active" not in html.split("<main")[1].replace('class="tag ok"', "")


@pytest.mark.parametrize("lang", LANGS)
def test_her_include_asks_consent_in_words(lang: str, labels: dict) -> None:
    offers = [{"id": "r1", "to": "Fund Test", "url": "https://fund.example.invalid",
               "status": "offered", "reason": "budget_spent", "new_receipt": None},
              {"id": "r2", "to": "Fund Two", "url": "https://two.example.invalid",
               "status": "accepted", "reason": "other", "new_receipt": "ABCD-EFGH"}]
    environment().globals["network_referrals"] = lambda receipt: offers
    try:
        html = render_html("public/_referral.html", {"receipt": "X", "csrf": "t"}, lang=lang)
    finally:
        import api.pages.network as pages
        environment().globals["network_referrals"] = pages.network_referrals
    assert "Fund Test" in html and "ABCD-EFGH" in html and 'value="consent"' in html
    for code in ("budget_spent", "offered", "accepted"):
        assert f">{code}<" not in html and f" {code}." not in html


def test_case_and_referral_pages_render(labels: dict) -> None:
    app = SimpleNamespace(id="a1", kind="grant")
    html = render_html("staff/network/case.html", {
        "application": app, "peers": [SimpleNamespace(id="p1", name="Fund Test")],
        "labels": labels, "reasons": ("out_of_mandate",), "problems": {}, "sent": [],
        "results": [SimpleNamespace(peer_name="Fund Test", outcome="match", band="open",
                                    purpose="grant")], "user": None, "csrf_token": "t"},
        lang="en")
    assert "Already helped there" in html and "open now" in html
    html = render_html("staff/network/referrals.html", {
        "referrals": [{"id": "r", "role": "received", "peer": "Fund Test", "kind": "grant",
                       "reason": "other", "status": "consented", "application_id": None}],
        "labels": labels, "user": None, "csrf_token": "t"}, lang="en")
    assert "Accept as a new application" in html
