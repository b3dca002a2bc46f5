"""The SQLite write gate: flows pass queued intake writes; a leaked hold cannot stall writers."""
from __future__ import annotations

import threading
import time

import pytest

from models.core import writegate


def test_an_urgent_writer_passes_writers_that_queued_before_it() -> None:
    gate = writegate.WriteGate()
    gate.acquire()
    order: list[str] = []

    def write(name: str, urgent: bool) -> None:
        if urgent:
            with writegate.urgent():
                gate.acquire()
        else:
            gate.acquire()
        order.append(name)
        gate.release()

    normal = threading.Thread(target=write, args=("intake", False))
    normal.start()
    time.sleep(0.1)
    flow = threading.Thread(target=write, args=("flow", True))
    flow.start()
    time.sleep(0.1)
    gate.release()
    normal.join(5)
    flow.join(5)
    assert order == ["flow", "intake"]


def test_a_leaked_hold_is_taken_over_after_the_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writegate, "WAIT_SECONDS", 0.2)
    gate = writegate.WriteGate()
    gate.acquire()  # never released: a leaked transaction
    start = time.monotonic()
    assert gate.acquire() is True
    assert time.monotonic() - start < 2
