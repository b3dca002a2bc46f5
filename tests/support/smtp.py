"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it receives.

    with SmtpSink() as sink:
        send_mail(host=sink.host, port=sink.port, ...)
        [msg] = sink.wait_for(1, timeout=10)
        msg["Subject"], msg.mail_from, msg.rcpt_tos, msg.get_content()
"""

from __future__ import annotations

import threading
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller


class ReceivedMessage(EmailMessage):
    """An EmailMessage with the SMTP envelope kept beside it."""

    mail_from: str
    rcpt_tos: list[str]


class _Handler:
    def __init__(self, sink: "SmtpSink") -> None:
        self._sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode()
        msg = BytesParser(_class=ReceivedMessage, policy=policy.default).parsebytes(raw)
        msg.mail_from = envelope.mail_from
        msg.rcpt_tos = list(envelope.rcpt_tos)
        self._sink._add(msg)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    from tests.support.ports import free_port as port_of_this_worker
    return port_of_this_worker()  # a block of its own per xdist worker (tests/support/ports.py)


class SmtpSink:
    """Collects mail in `.messages`; plain SMTP, no TLS, no auth (AUTH is not required)."""

    host = "127.0.0.1"

    def __init__(self, port: int | None = None) -> None:
        self.port = port or _free_port()
        self._messages: list[ReceivedMessage] = []
        self._cond = threading.Condition()
        self._controller: Controller | None = None

    def start(self) -> "SmtpSink":
        self._controller = Controller(
            _Handler(self), hostname=self.host, port=self.port,
            # Accept AUTH if a client insists, without ever checking the secret.
            auth_require_tls=False, auth_required=False, ready_timeout=10,
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> "SmtpSink":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _add(self, msg: ReceivedMessage) -> None:
        with self._cond:
            self._messages.append(msg)
            self._cond.notify_all()

    @property
    def messages(self) -> list[ReceivedMessage]:
        with self._cond:
            return list(self._messages)

    def clear(self) -> None:
        with self._cond:
            self._messages.clear()

    def wait_for(self, n: int = 1, timeout: float = 10.0) -> list[ReceivedMessage]:
        """Wait until at least n messages arrived; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._messages) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {n} mail(s) within {timeout} s, got {len(self._messages)}")
                self._cond.wait(left)
            return list(self._messages)
