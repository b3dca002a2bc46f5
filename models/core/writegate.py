"""One writer at a time on SQLite, in order, with critical work ahead of everything else.

SQLite lets one transaction write at a time. Readers never need this gate: read
transactions begin DEFERRED and, in WAL mode, read a snapshot without waiting for anyone
(models/core/db.py). Write transactions begin IMMEDIATE, and they queue here first: left
to SQLite's busy handler, waiting writers poll and sleep (up to 100 ms a nap), so under a
surge the intake threads won the lock again and again while the flows starved (measured: a
batch of 20 critical cases took 15 s to triage during a 1,000-application surge). The gate
hands the lock to waiters in arrival order, woken the moment it frees, and lets threads
marked `urgent` (the dispatcher's express lane: critical cases) go first.

Within a process a condition variable orders the threads. Across processes (the API and
its flow runner, flows/runner.py) the holder also keeps an exclusive `flock` on
`<db>.gate` for its transaction; the kernel drops the flock of a process that dies.

The gate is handed to one holder at a time, never taken over: an earlier version let a
writer that had waited 10 s take the gate from its holder, which left two holders and
turned a stall into `database is locked` errors. What made holders stall was a thread
waiting for the gate while the holder needed that thread to finish (a request's event loop
blocked on the gate while the holder's clean-up waited for the loop; a thread opening a
second write transaction while its first held the gate). Those are now refused at once:
`begin` on the event loop of the API (db.forbid_blocking_here) and a nested write
transaction in the same request or thread both raise. A writer that still waits `WAIT_SECONDS` gets
`Busy` (503, retry) rather than a second holder.

PostgreSQL has row locks and needs none of this; the gate is installed for SQLite only.
"""
from __future__ import annotations

import contextvars
import fcntl
import itertools
import logging
import os
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator

from models.core.errors import Busy

log = logging.getLogger("amparo.db")
_local = threading.local()
# The gate's token of the write transaction this context (a request, a thread) began. A
# context var, not a thread-local: FastAPI runs a route and its clean-up on different
# threads of a pool, so a thread may be handed another request while an earlier one's
# transaction is still open; each request runs in a context of its own.
_my_write: contextvars.ContextVar[object | None] = contextvars.ContextVar(
    "amparo_write", default=None)
WAIT_SECONDS = 30.0  # a bound, not a expected wait: transactions of ours take milliseconds


class NestedWrite(RuntimeError):
    """A thread began a write transaction while its own earlier one still held the gate:
    on SQLite that can only wait for itself. A programming error, raised at once."""


class WriteGate:
    def __init__(self, lock_path: str | None = None) -> None:
        self._cond = threading.Condition()
        self._held: object | None = None  # the holder's token, None when free
        self._tickets = itertools.count()
        self._queue: list[tuple[int, int]] = []  # (0 for urgent else 1, ticket): who is next
        self._lock_path = lock_path
        self._lock_fd: int | None = None
        self._lock_pid = 0

    def acquire(self) -> None:
        """Wait for the gate in turn (urgent first); `Busy` after WAIT_SECONDS."""
        entry = (0 if is_urgent() else 1, next(self._tickets))
        with self._cond:
            if self._held is not None and self._held is _my_write.get():
                raise NestedWrite("a second write transaction in a context that holds one")
            self._queue.append(entry)
            deadline = time.monotonic() + WAIT_SECONDS
            while self._held is not None or min(self._queue) != entry:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._queue.remove(entry)
                    self._cond.notify_all()  # the next in line may now be first
                    log.warning("write gate: waited %.0f s, refused (busy)", WAIT_SECONDS)
                    raise Busy()
                self._cond.wait(left)
            self._queue.remove(entry)
            self._held = token = object()
        _my_write.set(token)
        try:
            self._lock_processes(fcntl.LOCK_EX)  # outside the condition: others may queue
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        try:
            self._lock_processes(fcntl.LOCK_UN)
        finally:
            with self._cond:
                self._held = None
                self._cond.notify_all()

    def _lock_processes(self, operation: int) -> None:
        """The cross-process half, done by whichever thread holds the in-process gate (so
        one thread at a time uses the descriptor). Blocking is safe: every holder is a short
        transaction of ours, and a dead process's flock is dropped by the kernel."""
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
    """Called for a write transaction's "begin": wait for the gate, then BEGIN IMMEDIATE."""
    gate.acquire()
    conn.info["amparo_gate"] = True
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
