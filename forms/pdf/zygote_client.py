"""The server's side of the warm fork server (forms/pdf/zygote.py).

Any number of threads may call ``WarmParser.parse`` at once: each request makes a socket pair
of its own and passes one end to the zygote (SCM_RIGHTS), which forks one child for it. The
server never forks itself (forking a multi-threaded process is unsafe): the zygote is a small
single-threaded process started by exec, lazily on first use, restarted when it dies, ended
at exit. The wall-clock limit is enforced here: on timeout the child is killed through a pidfd
(its bare pid could be reused as soon as the zygote's kernel reaps it).
"""
from __future__ import annotations

import atexit
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from forms.pdf.zygote import CHUNK, HEADER, PID, READY

MAX_ANSWER = 8 * 1024 * 1024   # our answers are a few KB: more is a child gone wrong
SEND_TIMEOUT_S = 10.0          # a zygote that cannot take a 16-byte message in this is stuck
FORK_TIMEOUT_S = 5.0           # nor one that has not forked a child in this


class ZygoteUnavailable(Exception):
    """No child was started for the request: safe to retry, or to fall back to a cold start."""


class Zygote:
    """One running zygote and the control socket that reaches it."""

    def __init__(self, proc: subprocess.Popen[bytes], control: socket.socket) -> None:
        self.proc, self.control = proc, control
        self.send_lock = threading.Lock()

    @classmethod
    def start(cls, env: dict[str, str], cwd: Path, ready_timeout: float) -> "Zygote":
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            proc = subprocess.Popen(
                [sys.executable, "-s", "-m", "forms.pdf.zygote", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError as exc:
            ours.close()
            raise ZygoteUnavailable("the zygote could not be started") from exc
        finally:
            theirs.close()
        zygote = cls(proc, ours)
        if not zygote._wait_ready(ready_timeout):
            zygote.stop(wait_s=0)
            raise ZygoteUnavailable("the zygote did not become ready")
        return zygote

    def _wait_ready(self, timeout: float) -> bool:
        self.control.settimeout(timeout)
        try:
            ready = self.control.recv(len(READY)) == READY
        except OSError:
            return False
        self.control.settimeout(SEND_TIMEOUT_S)
        return ready

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def fork_child(self, header: bytes) -> socket.socket:
        """Have a child forked; returns our end of its own socket pair."""
        try:
            ours, theirs = socket.socketpair()
        except OSError as exc:  # out of descriptors: the cold path will say what it can
            raise ZygoteUnavailable("no socket for the request") from exc
        try:
            with self.send_lock:
                socket.send_fds(self.control, [header], [theirs.fileno()])
        except OSError as exc:  # closed, reset or stuck: this zygote is done for
            ours.close()
            raise ZygoteUnavailable("the zygote did not take the request") from exc
        finally:
            theirs.close()  # the zygote holds its own copy now
        return ours

    def stop(self, wait_s: float = 1.0) -> None:
        """Close the control socket (the zygote exits on EOF); kill it if it lingers."""
        with self.send_lock:
            self.control.close()
        try:
            self.proc.wait(wait_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Child:
    """A forked child, known by a pidfd so that a kill never reaches a recycled pid."""

    def __init__(self, pid: int) -> None:
        if pid <= 0:  # 0 or -1 would signal whole process groups
            raise ZygoteUnavailable("no child was started")
        self.pid, self.fd, self.gone = pid, None, False
        try:
            self.fd = os.pidfd_open(pid)
        except ProcessLookupError:
            self.gone = True
        except (AttributeError, OSError):
            pass  # no pidfd on this system: kill by pid, while the child cannot have exited

    def kill(self) -> None:
        try:
            if self.fd is not None:
                signal.pidfd_send_signal(self.fd, signal.SIGKILL)
            elif not self.gone:
                os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def talk(conn: socket.socket, data: bytes, timeout_s: float) -> bytes | None:
    """Give the child its PDF and read its answer: None when it died without one.

    Raises TimeoutError once the child is killed, ZygoteUnavailable when none was started
    (the file unsent: safe to retry). ``timeout_s`` counts from the child's start."""
    try:
        raw = _recv(conn, PID.size, time.monotonic() + FORK_TIMEOUT_S)
    except TimeoutError:
        raise ZygoteUnavailable("the zygote did not fork in time") from None
    if len(raw) < PID.size:
        raise ZygoteUnavailable("no child was started")
    child = Child(PID.unpack(raw)[0])
    deadline = time.monotonic() + timeout_s
    try:
        try:
            conn.settimeout(_left(deadline))
            conn.sendall(data)
            conn.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # it died while reading: a limit was reached, the answer will be empty
        answer = _recv(conn, MAX_ANSWER + 1, deadline)
        if len(answer) > MAX_ANSWER:
            child.kill()
            return None
        return answer or None
    except TimeoutError:
        child.kill()
        raise
    finally:
        child.close()


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _recv(conn: socket.socket, limit: int, deadline: float) -> bytes:
    """Up to ``limit`` bytes, until EOF or the limit; TimeoutError at the deadline."""
    buf = bytearray()
    while len(buf) < limit:
        conn.settimeout(_left(deadline))
        try:
            chunk = conn.recv(min(CHUNK, limit - len(buf)))
        except ConnectionResetError:
            break
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


class WarmParser:
    """This process's zygote: started on first use, restarted when dead, stopped at exit."""

    def __init__(self, env: Callable[[], dict[str, str]], cwd: Path, *,
                 ready_timeout: float = 30.0, retry_after: float = 30.0) -> None:
        self._env, self._cwd = env, cwd
        self.ready_timeout, self.retry_after = ready_timeout, retry_after
        self._lock = threading.Lock()
        self._zygote: Zygote | None = None
        self._failed_at = -math.inf
        self._at_exit = False
        os.register_at_fork(after_in_child=self._forget)

    def parse(self, data: bytes, *, memory_mb: int, cpu_s: int, max_pages: int,
              timeout_s: float) -> bytes | None:
        """The child's answer, None if it died without one; TimeoutError, ZygoteUnavailable."""
        header = HEADER.pack(memory_mb, cpu_s, max_pages, math.ceil(timeout_s) + 2)
        for _attempt in range(2):  # a dead zygote costs one restart, not a rejection
            zygote = self._running()
            try:
                with zygote.fork_child(header) as conn:
                    return talk(conn, data, timeout_s)
            except ZygoteUnavailable:
                self._discard(zygote)
        raise ZygoteUnavailable("no child could be started")

    def pid(self) -> int | None:
        zygote = self._zygote
        return zygote.pid if zygote is not None and zygote.alive() else None

    def _running(self) -> Zygote:
        with self._lock:
            zygote = self._zygote
            if zygote is not None and zygote.alive():
                return zygote
            if zygote is not None:
                self._zygote = None
                zygote.stop(wait_s=0)
            if time.monotonic() - self._failed_at < self.retry_after:
                raise ZygoteUnavailable("the zygote failed to start a moment ago")
            try:
                self._zygote = Zygote.start(self._env(), self._cwd, self.ready_timeout)
            except ZygoteUnavailable:
                self._failed_at = time.monotonic()
                raise
            if not self._at_exit:
                atexit.register(self.stop)
                self._at_exit = True
            return self._zygote

    def _discard(self, zygote: Zygote) -> None:
        with self._lock:
            if self._zygote is zygote:
                self._zygote = None
        zygote.stop(wait_s=0)

    def stop(self) -> None:
        with self._lock:
            zygote, self._zygote = self._zygote, None
        if zygote is not None:
            zygote.stop()

    def _forget(self) -> None:
        """In a forked copy of the server: the zygote is the parent's; start our own if asked."""
        self._lock = threading.Lock()
        self._zygote = None
