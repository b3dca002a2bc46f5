"""Rate limits over HTTP against a real `amparo serve`, clients on different loopback
addresses (127.0.0.2, 127.0.0.3...): one client's wrong receipts and logins never lock out
another client, nor a right receipt; X-Forwarded-For counts only from a trusted proxy."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest

from tests.e2e.harness import Deployment, base_env, deploy, grant_application, wait_for
from tests.support.fake_stripe import FakeStripe

WRONG_RECEIPT = "AAAA-BBBB-CCCC-DDDD-EEEE"


def client_from(address: str, base: str) -> httpx.Client:
    """A client whose connections leave from this loopback address."""
    return httpx.Client(base_url=base, timeout=30,
                        transport=httpx.HTTPTransport(local_address=address))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    tmp = tmp_path_factory.mktemp("ratelimits")
    with FakeStripe() as fake:
        env = base_env(tmp, f"sqlite:///{tmp / 'amparo.db'}", fake,
                       AMPARO_TRUSTED_PROXIES="127.0.0.9")
        deployment = deploy(env, tmp / "server.log")
        try:
            yield deployment
        finally:
            deployment.server.stop()


def _receipt(d: Deployment) -> str:
    answer = httpx.post(d.url + "/api/v1/applications", json=grant_application(), timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()["receipt"]


def _misses_until_refused(client: httpx.Client, headers: dict | None = None) -> int:
    for n in range(1, 40):
        answer = client.post("/api/v1/status", json={"receipt": WRONG_RECEIPT}, headers=headers)
        if answer.status_code == 429:
            assert int(answer.headers["retry-after"]) >= 1
            return n
        assert answer.status_code == 404
    raise AssertionError("unknown receipts were never slowed down")


class TestReceipts:
    def test_one_clients_misses_never_lock_out_another_or_a_right_receipt(
            self, served: Deployment) -> None:
        receipt = _receipt(served)
        with client_from("127.0.0.2", served.url) as noisy, \
                client_from("127.0.0.3", served.url) as other:
            assert _misses_until_refused(noisy) > 5
            # the noisy client's own right receipt is still answered
            assert noisy.post("/api/v1/status", json={"receipt": receipt}).status_code == 200
            # another client is not slowed at all
            assert other.post("/api/v1/status",
                              json={"receipt": WRONG_RECEIPT}).status_code == 404
            assert other.post("/api/v1/status", json={"receipt": receipt}).status_code == 200

    def test_a_spoofed_forwarded_header_from_an_untrusted_client_is_ignored(
            self, served: Deployment) -> None:
        with client_from("127.0.0.4", served.url) as spoofer:
            n = _misses_until_refused(spoofer, {"X-Forwarded-For": "10.9.9.1"})
            # a new "address" in the header does not reset its limit: it is still 127.0.0.4
            answer = spoofer.post("/api/v1/status", json={"receipt": WRONG_RECEIPT},
                                  headers={"X-Forwarded-For": "10.9.9.2"})
            assert n > 5 and answer.status_code == 429

    def test_a_trusted_proxy_forwards_each_clients_address(self, served: Deployment) -> None:
        with client_from("127.0.0.9", served.url) as proxy:
            _misses_until_refused(proxy, {"X-Forwarded-For": "10.8.8.1"})
            # the proxy's other client is a different client
            answer = proxy.post("/api/v1/status", json={"receipt": WRONG_RECEIPT},
                                headers={"X-Forwarded-For": "10.8.8.2"})
            assert answer.status_code == 404


class TestLogins:
    def test_an_attackers_wrong_logins_never_lock_out_the_person(
            self, served: Deployment) -> None:
        email = next(e for e, s in served.staff.items() if s.role == "caseworker")
        person = served.staff[email]
        with client_from("127.0.0.5", served.url) as attacker, \
                client_from("127.0.0.6", served.url) as desk:
            codes = [attacker.post("/api/v1/auth/token", json={
                "username": email, "password": "wrong-password-000", "otp": "000000"}
            ).status_code for _ in range(8)]
            assert set(codes[:5]) == {401} and codes[-1] == 429
            right = wait_for(lambda: _login(desk, email, person.password, person.totp),
                             timeout=40, every=1, what="a login from the person's desk")
            assert right.status_code == 200


def _login(client: httpx.Client, email: str, password: str, secret: str) -> httpx.Response | None:
    answer = client.post("/api/v1/auth/token", json={
        "username": email, "password": password, "otp": pyotp.TOTP(secret).now()})
    return answer if answer.status_code == 200 else None
