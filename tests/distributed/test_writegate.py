"""The SQLite write gate: flows pass queued intake writes; a leaked hold cannot stall writers."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from models.core import writegate

pytestmark = pytest.mark.serial  # threads and processes ordered by short sleeps


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


def test_a_leaked_hold_is_never_taken_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two holders would turn a stall into `database is locked`: a waiter gets Busy."""
    from models.core.errors import Busy
    monkeypatch.setattr(writegate, "WAIT_SECONDS", 0.2)
    gate = writegate.WriteGate()
    gate.acquire()  # never released: a leaked transaction
    outcome: list[str] = []

    def other() -> None:
        try:
            gate.acquire()
            outcome.append("acquired")
        except Busy:
            outcome.append("busy")

    thread = threading.Thread(target=other)
    start = time.monotonic()
    thread.start()
    thread.join(5)
    assert outcome == ["busy"] and time.monotonic() - start < 2


def test_a_nested_write_in_one_context_is_refused_at_once() -> None:
    gate = writegate.WriteGate()
    gate.acquire()
    start = time.monotonic()
    with pytest.raises(writegate.NestedWrite):
        gate.acquire()
    assert time.monotonic() - start < 0.5
    gate.release()


def test_a_hold_released_by_another_thread_frees_this_one() -> None:
    """FastAPI ends a route's session on another thread than the route's: the thread that
    began it may meanwhile serve another request and write again (no false nesting)."""
    gate = writegate.WriteGate()
    gate.acquire()
    release = threading.Thread(target=gate.release)
    release.start()
    release.join(5)
    gate.acquire()  # this context's token is stale, not nested
    gate.release()


def test_waiters_are_served_in_arrival_order() -> None:
    gate = writegate.WriteGate()
    gate.acquire()
    order: list[int] = []

    def write(n: int) -> None:
        gate.acquire()
        order.append(n)
        gate.release()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    gate.release()
    for thread in threads:
        thread.join(5)
    assert order == [0, 1, 2, 3, 4]


# --- across processes (the API and its flow runner) -------------------------------------

WRITER = """
import sys, time
from models.core import writegate
path, name, urgent, log, hold = sys.argv[1:6]
gate = writegate.WriteGate(path)
print("ready", flush=True)
if urgent == "1":
    with writegate.urgent():
        gate.acquire()
else:
    gate.acquire()
with open(log, "a") as out:
    out.write(name + " in\\n")
time.sleep(float(hold))
with open(log, "a") as out:
    out.write(name + " out\\n")
gate.release()
"""


def _start(path: str, name: str, urgent: bool, log: str, hold_s: float = 0.2):  # noqa: ANN202
    proc = subprocess.Popen([sys.executable, "-c", WRITER, path, name, "1" if urgent else "0",
                             log, str(hold_s)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    time.sleep(0.3)  # let it queue on the gate
    return proc


def test_processes_write_one_at_a_time_in_the_order_they_queued(tmp_path) -> None:  # noqa: ANN001
    path, log = str(tmp_path / "amparo.db.gate"), str(tmp_path / "order.log")
    holder = _start(path, "holder", False, log, hold_s=1.5)
    critical = _start(path, "critical", True, log)
    intakes = [_start(path, f"intake{i}", False, log, hold_s=0.05) for i in range(4)]
    for proc in (holder, critical, *intakes):
        assert proc.wait(30) == 0
    lines = open(log).read().split()
    events = [" ".join(lines[i:i + 2]) for i in range(0, len(lines), 2)]
    # never two inside at once; the runner's critical write waits for no later intake
    assert events[:4] == ["holder in", "holder out", "critical in", "critical out"]
    assert all(events[i].split()[0] == events[i + 1].split()[0] for i in range(0, 12, 2))
