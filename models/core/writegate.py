"""One writer at a time on SQLite, in order, with critical work ahead of everything else.

SQLite lets one transaction write at a time (ours all begin IMMEDIATE). Left to its busy
handler, waiting writers poll and sleep (up to 100 ms a nap), so under a surge the intake
threads of the API won the lock again and again while the flows starved: measured, a batch
of 20 critical cases took 15 s to triage during a 1,000-application surge. This gate queues
writers instead, woken the moment the lock frees, and lets threads marked `urgent` (the
dispatcher's express lane: critical cases and their notices) go first.

Within a process a condition variable orders the threads. Across processes (the API and
its flow runner, flows/runner.py) the gate's holder also keeps an exclusive `flock` on
`<db>.gate` for its transaction: the kernel queues the processes' writers in turn and wakes
the next at once, so a critical write of the runner waits for at most the one transaction
the API had already queued.

PostgreSQL has row locks and needs none of this; the gate is installed for SQLite only.
The gate only orders writers: SQLite's own lock still guards the data, so a writer that waits
too long takes the in-process gate over (logged) rather than wait on a holder that may have
leaked; the kernel drops the flocks of a process that dies.
"""
from __future__ import annotations

import fcntl
import logging
import os
import threading
from contextlib import contextmanager
from typing import Any, Iterator

log = logging.getLogger("amparo.db")
_local = threading.local()
WAIT_SECONDS = 10.0  # no transaction of ours should hold the gate this long


class WriteGate:
    def __init__(self, lock_path: str | None = None) -> None:
        self._cond = threading.Condition()
        self._held = False
        self._urgent_waiting = 0
        self._lock_path = lock_path
        self._lock_fd: int | None = None
        self._lock_pid = 0

    def acquire(self) -> bool:
        urgent = getattr(_local, "urgent", False)
        with self._cond:
            if urgent:
                self._urgent_waiting += 1
            try:
                ok = self._cond.wait_for(
                    lambda: not self._held and (urgent or not self._urgent_waiting),
                    timeout=WAIT_SECONDS)
            finally:
                if urgent:
                    self._urgent_waiting -= 1
            if not ok:
                log.warning("write gate held over %.0f s: taking it over", WAIT_SECONDS)
            self._held = True
        self._lock_processes(fcntl.LOCK_EX)  # outside the condition: other threads may queue
        return True

    def release(self) -> None:
        self._lock_processes(fcntl.LOCK_UN)
        with self._cond:
            self._held = False
            self._cond.notify_all()

    def _lock_processes(self, operation: int) -> None:
        """The cross-process half, done by whichever thread holds the in-process gate (so
        one thread at a time uses the descriptors). Blocking is safe: every holder is a
        short transaction of ours."""
        if self._lock_path is None:
            return
        if self._lock_fd is None or self._lock_pid != os.getpid():  # opened after any fork
            self._lock_fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            self._lock_pid = os.getpid()
        fcntl.flock(self._lock_fd, operation)


@contextmanager
def urgent() -> Iterator[None]:
    """Mark this thread's writes as critical work's: they pass every other queued write."""
    before = getattr(_local, "urgent", False)
    _local.urgent = True
    try:
        yield
    finally:
        _local.urgent = before


def is_urgent() -> bool:
    return getattr(_local, "urgent", False)


def begin_through(gate: WriteGate, conn: Any) -> None:
    """Called for the engine's "begin" event: wait for the gate, then BEGIN IMMEDIATE."""
    held = gate.acquire()
    conn.info["amparo_gate"] = held
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        end_through(gate, conn)
        raise


def end_through(gate: WriteGate, conn: Any) -> None:
    """Commit, rollback or return to the pool: give the gate back once."""
    info = getattr(conn, "info", None)
    if info is not None and info.pop("amparo_gate", False):
        gate.release()
