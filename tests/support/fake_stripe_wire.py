"""Stripe wire helpers for tests.support.fake_stripe: form parsing, ids, errors, lists,
events, webhook signing and the HTTP request handler."""

from __future__ import annotations

import json
import secrets
import string
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any, Iterable
from urllib.parse import parse_qsl

import stripe

_ALPHABET = string.ascii_letters + string.digits


def api_version() -> str:
    try:
        from stripe._api_version import _ApiVersion
        return _ApiVersion.CURRENT
    except ImportError:  # older SDKs kept it elsewhere
        return getattr(stripe, "api_version", None) or "2024-06-20"


def new_id(prefix: str) -> str:
    """An id shaped like Stripe's (`tr_` + 24 base62 characters)."""
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(24))


class StripeError(Exception):
    """An error answered in Stripe's `{"error": {...}}` shape."""

    def __init__(self, status: int, message: str, *, type_: str | None = None,
                 code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.param = status, message, code, param
        self.type = type_ or ("api_error" if status >= 500 else "invalid_request_error")

    def body(self) -> dict:
        err: dict[str, Any] = {"message": self.message, "type": self.type}
        if self.code:
            err["code"] = self.code
        if self.param:
            err["param"] = self.param
        return {"error": err}


def _set_nested(target: dict, parts: list[str], value: str) -> None:
    for part in parts[:-1]:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise StripeError(400, f"Invalid nested parameter {'.'.join(parts)}")
    target[parts[-1]] = value


def _listify(value: Any) -> Any:
    # Stripe encodes arrays as a[0]=x&a[1]=y (or a[]=x): turn digit-keyed dicts into lists.
    if not isinstance(value, dict):
        return value
    value = {k: _listify(v) for k, v in value.items()}
    if value and all(k.isdigit() or k == "" for k in value):
        return [value[k] for k in sorted(value, key=lambda k: int(k or 0))]
    return value


def parse_params(encoded: str) -> dict[str, Any]:
    """Decode Stripe's form encoding (`metadata[k]=v`, `created[gte]=1`) into nested dicts."""
    out: dict[str, Any] = {}
    for key, value in parse_qsl(encoded, keep_blank_values=True):
        head, _, rest = key.partition("[")
        parts = [head] + ([p for p in rest.rstrip("]").split("][")] if rest else [])
        _set_nested(out, parts, value)
    return _listify(out)


def _created_ok(created: int, cond: Any) -> bool:
    if cond is None:
        return True
    if not isinstance(cond, dict):
        return created == int(cond)
    checks = {"gt": created.__gt__, "gte": created.__ge__,
              "lt": created.__lt__, "lte": created.__le__}
    return all(checks[op](int(v)) for op, v in cond.items() if op in checks)


def page(url: str, items: Iterable[dict], params: dict, equal: dict[str, Any]) -> dict:
    """A Stripe list object, newest first, honouring limit/starting_after/ending_before."""
    # Newest first; for equal `created`, the later insertion comes first (as Stripe does).
    ordered = sorted(reversed(list(items)), key=lambda o: o["created"], reverse=True)
    rows = [o for o in ordered if _created_ok(o["created"], params.get("created"))
            and all(v is None or o.get(k) == v for k, v in equal.items())]
    limit = int(params.get("limit") or 10)
    if not 1 <= limit <= 100:
        raise StripeError(400, "Limit must be between 1 and 100.", param="limit")
    ids = [o["id"] for o in rows]
    for cursor in ("starting_after", "ending_before"):
        if cursor in params and params[cursor] not in ids:
            raise StripeError(400, f"No such object: '{params[cursor]}'", param=cursor,
                              code="resource_missing")
    if "starting_after" in params:
        rest = rows[ids.index(params["starting_after"]) + 1:]
        return {"object": "list", "data": rest[:limit], "has_more": len(rest) > limit,
                "url": url}
    if "ending_before" in params:
        before = rows[:ids.index(params["ending_before"])]
        return {"object": "list", "data": before[-limit:], "has_more": len(before) > limit,
                "url": url}
    return {"object": "list", "data": rows[:limit], "has_more": len(rows) > limit, "url": url}


def make_event(type: str, obj: dict, event_id: str | None = None,
               created: int | None = None, account: str | None = None,
               previous_attributes: dict | None = None) -> dict:
    """A Stripe event object; `account` is set on Connect events (e.g. `payout.paid`)."""
    event: dict[str, Any] = {
        "id": event_id or new_id("evt"), "object": "event", "api_version": api_version(),
        "created": created if created is not None else int(time.time()),
        "data": {"object": obj}, "livemode": False, "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None}, "type": type,
    }
    if previous_attributes is not None:
        event["data"]["previous_attributes"] = previous_attributes
    if account is not None:
        event["account"] = account
    return event


def signed_webhook(payload: dict, secret: str, timestamp: int | None = None) -> tuple[bytes, str]:
    """(body, Stripe-Signature header value) exactly as Stripe signs: t=..,v1=HMAC(t.body)."""
    body = json.dumps(payload, indent=2)
    ts = int(time.time()) if timestamp is None else timestamp
    signer = getattr(stripe.WebhookSignature, "generate_signature_header", None)
    if signer is not None:
        header = signer(body, secret, timestamp=ts)
    else:
        import hashlib
        import hmac
        mac = hmac.new(secret.encode(), f"{ts}.{body}".encode(), hashlib.sha256)
        header = f"t={ts},v1={mac.hexdigest()}"
    return body.encode(), header


@dataclass
class Fault:
    status: int = 500
    sleep: float = 0.0
    before: bool = True
    should_retry: bool | None = None


def make_handler(fake: Any) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass  # keep pytest output clean

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def do_DELETE(self) -> None:
            self._handle("DELETE")

        def _handle(self, method: str) -> None:
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            params = parse_params(raw if method == "POST" else query)
            headers = {k.lower(): v for k, v in self.headers.items()}
            fake._record(method, path, query, headers, params, raw)
            fault = fake._take_fault()
            if fault and fault.before:
                time.sleep(fault.sleep)
                if fault.status:
                    return self._send_fault(fault)
            status, body, extra = self._answer(method, path, params, headers)
            if fault and not fault.before:
                time.sleep(fault.sleep)  # work done, answer "lost in transit"
            self._send(status, body, extra)

        def _answer(self, method: str, path: str, params: dict,
                    headers: dict) -> tuple[int, dict, dict]:
            auth = headers.get("authorization", "")
            key = auth.removeprefix("Bearer ").strip()
            if not auth.startswith("Bearer ") or not key:
                return 401, StripeError(401, "You did not provide an API key.").body(), {}
            if not key.startswith(("sk_test_", "rk_test_")):
                return 401, StripeError(401, f"Invalid API Key provided: {key[:8]}***").body(), {}
            idem_key = headers.get("idempotency-key") if method == "POST" else None
            fingerprint = (method, path, json.dumps(params, sort_keys=True))

            def run() -> tuple[int, dict]:
                try:
                    return fake._dispatch(method, path, params, headers)
                except StripeError as err:
                    return err.status, err.body()
            try:
                status, body, replayed = fake._idempotent(idem_key, fingerprint, run)
            except StripeError as err:
                return err.status, err.body(), {}
            extra = {"Idempotency-Key": idem_key} if idem_key else {}
            if replayed:
                extra["Idempotent-Replayed"] = "true"
            return status, body, extra

        def _send_fault(self, fault: Fault) -> None:
            extra = {}
            if fault.should_retry is not None:
                extra["Stripe-Should-Retry"] = str(fault.should_retry).lower()
            err = StripeError(fault.status, "Injected fault (FakeStripe.fail_next).",
                              type_="api_error")
            self._send(fault.status, err.body(), extra)

        def _send(self, status: int, body: dict, extra: dict) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", new_id("req"))
                self.send_header("Stripe-Version", api_version())
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test): expected

    return Handler
