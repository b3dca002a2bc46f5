"""Signing, verification and PSI normalisation, without servers or a database."""
from __future__ import annotations

import time

import pytest
from nacl.signing import SigningKey

from models.network import psi, signing


def _pair() -> tuple[SigningKey, str, str]:
    key, other = SigningKey.generate(), SigningKey.generate()
    return key, signing.b64(bytes(key.verify_key)), signing.b64(bytes(other.verify_key))


def test_a_signed_request_verifies_once_built() -> None:
    key, public, recipient = _pair()
    signed = signing.sign_request(key, method="post", path="/api/v1/network/checks",
                                  body=b'{"a": 1}', recipient_public=recipient)
    assert signed.headers[signing.H_KEY] == signing.key_id(public)
    nonce = signing.verify_request(public, recipient, method="POST",
                                   path="/api/v1/network/checks", body=b'{"a": 1}',
                                   headers=signed.headers)
    assert nonce == signed.nonce


@pytest.mark.parametrize("change", ["body", "path", "method", "recipient", "time", "key"])
def test_any_change_is_refused(change: str) -> None:
    key, public, recipient = _pair()
    signed = signing.sign_request(key, method="POST", path="/p", body=b"x",
                                  recipient_public=recipient)
    args = {"method": "POST", "path": "/p", "body": b"x", "headers": dict(signed.headers)}
    sender, me = public, recipient
    if change == "body":
        args["body"] = b"y"
    elif change == "path":
        args["path"] = "/q"
    elif change == "method":
        args["method"] = "PUT"
    elif change == "recipient":
        me = public
    elif change == "time":
        args["headers"][signing.H_TIME] = str(int(args["headers"][signing.H_TIME]) + 1)
    else:
        sender = signing.b64(bytes(SigningKey.generate().verify_key))
    with pytest.raises(signing.SignatureRefused) as refused:
        signing.verify_request(sender, me, **args)
    assert refused.value.code == "bad_signature"


def test_stale_and_malformed_requests_are_refused() -> None:
    key, public, recipient = _pair()
    old = signing.sign_request(key, method="POST", path="/p", body=b"", now=time.time() - 3600,
                               recipient_public=recipient)
    with pytest.raises(signing.SignatureRefused) as refused:
        signing.verify_request(public, recipient, method="POST", path="/p", body=b"",
                               headers=old.headers)
    assert refused.value.code == "stale"
    bad = {**old.headers, signing.H_NONCE: "not a nonce!"}
    with pytest.raises(signing.SignatureRefused):
        signing.verify_request(public, recipient, method="POST", path="/p", body=b"",
                               headers=bad)


def test_answers_are_bound_to_the_request_nonce() -> None:
    key, public, _ = _pair()
    signature = signing.sign_answer(key, "n1", 200, b"{}")
    signing.verify_answer(public, "n1", 200, b"{}", signature)
    for nonce, status, body in (("n2", 200, b"{}"), ("n1", 201, b"{}"), ("n1", 200, b"[]")):
        with pytest.raises(signing.SignatureRefused):
            signing.verify_answer(public, nonce, status, body, signature)


def test_fingerprints_read_aloud() -> None:
    _, public, _ = _pair()
    print_ = signing.fingerprint(public)
    assert len(print_.split()) == 16 and print_ == print_.upper()


def test_normalised_tokens_meet_across_spellings() -> None:
    one = psi.identity_tokens(name="Testperson  Zoë Quokka", email="Zoe.Q+fund@Example.Invalid",
                              phone="+00 (555) 123-4567", country="zz")
    two = psi.identity_tokens(name="quokka testperson zoe", email="zoe.q@example.invalid",
                              phone="00555 1234567", country="ZZ")
    assert one == two
    assert psi.identity_tokens(name="Quokka Testperson Zoe", email=None, phone=None,
                               country="YY") != two[2:]


def test_too_little_makes_no_token() -> None:
    assert psi.identity_tokens(name="", email="not-an-email", phone="12", country=None) == []


def test_every_check_asks_the_same_number_of_elements() -> None:
    for tokens in ([], ["phone:123456"], ["a", "b", "c"]):
        assert len(psi.asking_elements(tokens, "grant")) == psi.ASKED


def test_intersection_finds_the_band_and_only_for_the_purpose() -> None:
    tokens = psi.identity_tokens(name="Testperson Psi", email="psi@example.invalid",
                                 phone=None, country="ZZ")
    held = psi.held_elements([(tokens[:1], "last_90_days"),
                              (["email:other@example.invalid"], "open")], "grant")
    asker = psi.Asker(tokens, "grant")
    assert asker.bands(*psi.answer(asker.request(), held)) == {"last_90_days"}
    visa = psi.Asker(tokens, "visa")
    assert visa.bands(*psi.answer(visa.request(), held)) == set()
    assert psi.best_band({"last_year", "open"}) == "open"
