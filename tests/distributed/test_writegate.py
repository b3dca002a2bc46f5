"""The SQLite write gate: flows pass queued intake writes; a leaked hold cannot stall writers."""
from __future__ import annotations

import subprocess
import sys
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
