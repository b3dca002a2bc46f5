"""A local Stripe-compatible HTTP server for tests (transfers, reversals, payouts, balance).

Wire format as Stripe: form-encoded bodies (`metadata[k]=v`), JSON objects with `id`,
`object`, `created`, ...; `Authorization: Bearer sk_test_...` (missing -> 401); the
`Idempotency-Key` of a POST replays the stored answer for the same params (header
`Idempotent-Replayed: true`, no new object) and gives 400 `idempotency_error` for other
params; a key still in progress gives 409. Every request is recorded in `.requests`.

Faults: `fail_next(n, status)` answers the next n requests with an error BEFORE doing
anything (nothing stored, so an SDK retry with the same key creates the object once);
`timeout_next(n, seconds)` does the work, stores the idempotent answer, then sleeps before
answering (the "response lost" case; pass `before=True` to sleep before the work).

Official SDK (stripe 16.x, verified in tests/infra/test_fake_stripe.py):

    client = stripe.StripeClient("sk_test_x", base_addresses={"api": fake.url},
                                 max_network_retries=2)
    client.v1.transfers.create(params={"amount": 1000, "currency": "eur",
        "destination": "acct_1", "metadata": {"disbursement_id": "d1"}},
        options={"idempotency_key": "disb-d1"})
    client.v1.transfers.list(params={"limit": 100, "created": {"gte": ts}})
    client.v1.transfers.retrieve("tr_...")
    client.v1.transfers.reversals.create("tr_...", params={})
    client.v1.payouts.list(params={"limit": 10}, options={"stripe_account": "acct_1"})
    client.v1.balance.retrieve()
    body, sig = signed_webhook(make_event("payout.paid", payout, account="acct_1"), "whsec_x")
    stripe.Webhook.construct_event(body, sig, "whsec_x")

For a client-side timeout pass `http_client=stripe.RequestsClient(timeout=1)`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import Any

from tests.support.fake_stripe_wire import (
    Fault, StripeError, make_event, make_handler, new_id, page, signed_webhook,
)

__all__ = ["FakeStripe", "RecordedRequest", "signed_webhook", "make_event"]

DEFAULT_BALANCE = 100_000_000  # minor units per currency; ample for any test


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    params: dict[str, Any]
    raw_body: str
    timestamp: float


class FakeStripe:
    """Start with `.start()` or `with FakeStripe() as fake:`; `.url` is the API base."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._requests: list[RecordedRequest] = []
        self._transfers: dict[str, dict] = {}
        self._payouts: dict[str, dict] = {}
        self._payout_accounts: dict[str, str] = {}
        self._idem: dict[str, tuple[tuple, int, dict]] = {}
        self._in_progress: set[str] = set()
        self._faults: list[Fault] = []
        self.balance: dict[str, int] = {"eur": DEFAULT_BALANCE, "usd": DEFAULT_BALANCE}
        self.frozen_time: int | None = None
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> "FakeStripe":
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self))
        self._httpd.daemon_threads = True  # sleeping fault threads must not block stop()
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True,
                                        name="fake-stripe")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> "FakeStripe":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "FakeStripe not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    # -- test controls -----------------------------------------------------------
    def now(self) -> int:
        return self.frozen_time if self.frozen_time is not None else int(time.time())

    def fail_next(self, n: int = 1, status: int = 500, should_retry: bool | None = None) -> None:
        with self._lock:
            self._faults += [Fault(status=status, should_retry=should_retry) for _ in range(n)]

    def timeout_next(self, n: int = 1, seconds: float = 5.0, before: bool = False) -> None:
        with self._lock:
            self._faults += [Fault(status=0, sleep=seconds, before=before) for _ in range(n)]

    def add_payout(self, destination_account: str, amount: int, currency: str = "eur",
                   status: str = "paid", created: int | None = None) -> dict:
        """A payout on a connected account (listed with its `Stripe-Account` header)."""
        created = created if created is not None else self.now()
        payout = {
            "id": new_id("po"), "object": "payout", "amount": amount,
            "arrival_date": created + 86400, "automatic": True,
            "balance_transaction": new_id("txn"), "created": created,
            "currency": currency.lower(), "description": "STRIPE PAYOUT",
            "destination": new_id("ba"), "failure_code": None, "failure_message": None,
            "livemode": False, "metadata": {}, "method": "standard",
            "source_type": "card", "statement_descriptor": None, "status": status,
            "type": "bank_account",
        }
        if status == "failed":
            payout.update(failure_code="account_closed",
                          failure_message="The bank account has been closed.")
        with self._lock:
            self._payouts[payout["id"]] = payout
            self._payout_accounts[payout["id"]] = destination_account
        return payout

    def payout_account(self, payout_id: str) -> str:
        return self._payout_accounts[payout_id]

    def reverse_transfer(self, transfer_id: str, amount: int | None = None) -> dict:
        """Reverse as Stripe would (e.g. when the connected account is closed)."""
        return self._reverse(transfer_id, {} if amount is None else {"amount": amount})

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path == path]

    @property
    def transfers(self) -> dict[str, dict]:
        with self._lock:
            return dict(self._transfers)

    @property
    def payouts(self) -> dict[str, dict]:
        with self._lock:
            return dict(self._payouts)

    # -- request handling (called from handler threads) ---------------------------
    def _record(self, method: str, path: str, query: str, headers: dict,
                params: dict, raw: str) -> None:
        req = RecordedRequest(method, path, query, headers, params, raw, time.time())
        with self._lock:
            self._requests.append(req)

    def _take_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.pop(0) if self._faults else None

    def _dispatch(self, method: str, path: str, params: dict, headers: dict) -> tuple[int, dict]:
        parts = [p for p in path.split("/") if p]
        if parts[:1] != ["v1"]:
            raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")
        route = (method, *parts[1:])
        account = headers.get("stripe-account")
        match route:
            case ("POST", "transfers"):
                return 200, self._create_transfer(params)
            case ("GET", "transfers"):
                return 200, page("/v1/transfers", self.transfers.values(), params,
                                 {"destination": params.get("destination")})
            case ("GET", "transfers", tid):
                return 200, self._get_transfer(tid)
            case ("POST", "transfers", tid, "reversals"):
                return 200, self._reverse(tid, params)
            case ("GET", "payouts"):
                items = [p for p in self.payouts.values()
                         if account is None or self._payout_accounts[p["id"]] == account]
                return 200, page("/v1/payouts", items, params, {"status": params.get("status")})
            case ("GET", "balance"):
                return 200, self._balance()
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    def _create_transfer(self, params: dict) -> dict:
        for name in ("amount", "currency", "destination"):
            if not params.get(name):
                raise StripeError(400, f"Missing required param: {name}.", param=name,
                                  code="parameter_missing")
        try:
            amount = int(params["amount"])
        except ValueError:
            raise StripeError(400, "Invalid integer: " + params["amount"], param="amount")
        if amount < 1:
            raise StripeError(400, "Amount must be at least 1.", param="amount")
        currency, dest = params["currency"].lower(), params["destination"]
        if not dest.startswith("acct_"):
            raise StripeError(400, f"No such destination: '{dest}'", param="destination",
                              code="resource_missing")
        tid = new_id("tr")
        with self._lock:
            if self.balance.get(currency, 0) < amount:
                raise StripeError(400, "You have insufficient available funds in your "
                                  "Stripe account.", code="balance_insufficient")
            self.balance[currency] -= amount
            self._transfers[tid] = {
                "id": tid, "object": "transfer", "amount": amount, "amount_reversed": 0,
                "balance_transaction": new_id("txn"), "created": self.now(),
                "currency": currency, "description": params.get("description"),
                "destination": dest, "destination_payment": new_id("py"),
                "livemode": False, "metadata": params.get("metadata") or {},
                "reversals": {"object": "list", "data": [], "has_more": False,
                              "total_count": 0, "url": f"/v1/transfers/{tid}/reversals"},
                "reversed": False, "source_transaction": None, "source_type": "card",
                "transfer_group": params.get("transfer_group"),
            }
            return self._transfers[tid]

    def _get_transfer(self, tid: str) -> dict:
        with self._lock:
            if tid not in self._transfers:
                raise StripeError(404, f"No such transfer: '{tid}'", param="id",
                                  code="resource_missing")
            return self._transfers[tid]

    def _reverse(self, tid: str, params: dict) -> dict:
        with self._lock:
            transfer = self._get_transfer(tid)
            left = transfer["amount"] - transfer["amount_reversed"]
            if left <= 0:
                raise StripeError(400, f"Transfer {tid} has already been reversed.")
            amount = int(params.get("amount") or left)
            if amount > left:
                raise StripeError(400, "Amount exceeds the transfer's unreversed amount.",
                                  param="amount")
            reversal = {
                "id": new_id("trr"), "object": "transfer_reversal", "amount": amount,
                "balance_transaction": new_id("txn"), "created": self.now(),
                "currency": transfer["currency"], "destination_payment_refund": new_id("pyr"),
                "metadata": params.get("metadata") or {}, "source_refund": None,
                "transfer": tid,
            }
            transfer["amount_reversed"] += amount
            transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
            transfer["reversals"]["data"].insert(0, reversal)
            transfer["reversals"]["total_count"] += 1
            self.balance[transfer["currency"]] = self.balance.get(transfer["currency"], 0) + amount
            return reversal

    def _balance(self) -> dict:
        with self._lock:
            avail = [{"amount": v, "currency": c, "source_types": {"card": v}}
                     for c, v in self.balance.items()]
        pending = [{**a, "amount": 0, "source_types": {"card": 0}} for a in avail]
        return {"object": "balance", "available": avail, "pending": pending,
                "livemode": False}

    def _idempotent(self, key: str | None, fingerprint: tuple, run) -> tuple[int, dict, bool]:
        """Run `run()` once per key; returns (status, body, replayed)."""
        if key is None:
            return (*run(), False)
        with self._lock:
            if key in self._in_progress:
                raise StripeError(409, "There is currently another in-progress request "
                                  "using this Idempotent Key.", type_="idempotency_error")
            if key in self._idem:
                stored_fp, status, body = self._idem[key]
                if stored_fp != fingerprint:
                    raise StripeError(400, "Keys for idempotent requests can only be used "
                                      "with the same parameters they were first used with. "
                                      f"Try using a key other than '{key}' if you meant to "
                                      "execute a different request.",
                                      type_="idempotency_error")
                return status, body, True
            self._in_progress.add(key)
        try:
            status, body = run()
            with self._lock:
                self._idem[key] = (fingerprint, status, body)
            return status, body, False
        finally:
            with self._lock:
                self._in_progress.discard(key)
