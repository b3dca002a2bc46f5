"""The warm fork server: many callers at once, restarts, what a child inherits, timeouts."""
from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from forms.pdf import sandbox, zygote_client
from forms.pdf.errors import PdfRejected
from forms.pdf.sandbox import ZYGOTE, read_pdf_limited
from forms.pdf.zygote import HEADER, PID
from forms.pdf.zygote_client import WarmParser, Zygote
from tests.pdf.corpus import COMMON_VALUES, REQUEST_VALUES, expected, fill

SECRET = "test-only-secret-3b1f"
CASES = [(kind, language) for kind in REQUEST_VALUES for language in ("en", "es", "ar")]


def form(kind: str, language: str) -> bytes:
    return fill(kind, language, {**COMMON_VALUES, **REQUEST_VALUES[kind]})


def children_of(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def wait_for(predicate, seconds: float = 5.0):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.005)
    return predicate()


def limited(pid: int) -> bool:
    """Whether a child has set its limits (and so closed what it inherited before them)."""
    try:
        return "536870912" in Path(f"/proc/{pid}/limits").read_text()
    except FileNotFoundError:
        return False


def zygote_pid() -> int:
    read_pdf_limited(form("grant", "en"))  # starts it if need be
    pid = ZYGOTE.pid()
    assert pid is not None
    return pid


class TestConcurrency:
    def test_twenty_threads_at_once_each_get_their_own_answer(self) -> None:
        jobs = [CASES[i % len(CASES)] for i in range(20)]
        files = [form(kind, language) for kind, language in jobs]
        start = threading.Barrier(len(jobs))

        def read(data: bytes):  # noqa: ANN202
            start.wait()
            return read_pdf_limited(data)

        with ThreadPoolExecutor(len(jobs)) as pool:
            results = list(pool.map(read, files))
        for (kind, language), parsed in zip(jobs, results):
            assert parsed.application == expected(kind, language)

    def test_a_hostile_file_among_good_ones_fails_alone(self, hostile_dir: Path) -> None:
        bomb = (hostile_dir / "bomb.pdf").read_bytes()
        with ThreadPoolExecutor(6) as pool:
            bad = pool.submit(read_pdf_limited, bomb)
            good = [pool.submit(read_pdf_limited, form(k, lang)) for k, lang in CASES[:5]]
            for (kind, language), future in zip(CASES, good):
                assert future.result().application == expected(kind, language)
            with pytest.raises(PdfRejected) as caught:
                bad.result()
        assert caught.value.code in {"resource_limit", "timeout"}


class TestRestart:
    def test_a_killed_zygote_is_replaced_on_the_next_file(self) -> None:
        first = zygote_pid()
        os.kill(first, signal.SIGKILL)
        assert read_pdf_limited(form("visa", "es")).application == expected("visa", "es")
        assert ZYGOTE.pid() not in (None, first)

    def test_killed_after_its_health_check(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The zygote looks alive but is dead: the request is retried on a new one."""
        first = zygote_pid()
        monkeypatch.setattr(Zygote, "alive", lambda self: True)
        os.kill(first, signal.SIGKILL)
        assert read_pdf_limited(form("grant", "ar")).application == expected("grant", "ar")
        assert ZYGOTE.pid() != first

    def test_a_stuck_zygote_is_replaced(self, monkeypatch: pytest.MonkeyPatch) -> None:
        first = zygote_pid()
        monkeypatch.setattr(zygote_client, "FORK_TIMEOUT_S", 0.5)
        os.kill(first, signal.SIGSTOP)  # alive, but forks nothing
        try:
            assert read_pdf_limited(form("visa", "ar")).application == expected("visa", "ar")
            assert ZYGOTE.pid() not in (None, first)
        finally:
            if ZYGOTE.pid() == first:
                os.kill(first, signal.SIGCONT)

    def test_stopped_zygote_starts_again_lazily(self) -> None:
        zygote_pid()
        ZYGOTE.stop()
        assert ZYGOTE.pid() is None
        assert read_pdf_limited(form("shelter", "en")).application == expected("shelter", "en")
        assert ZYGOTE.pid() is not None

    def test_no_zygote_falls_back_to_a_fresh_interpreter(
            self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        broken = WarmParser(env=sandbox._child_env, cwd=tmp_path / "gone")  # cannot start
        monkeypatch.setattr(sandbox, "ZYGOTE", broken)
        for _ in range(2):  # the second call does not wait for another failed start
            assert read_pdf_limited(form("grant", "es")).application == expected("grant", "es")
        assert broken.pid() is None


class TestWhatAChildInherits:
    def test_no_server_secret_in_the_zygote_or_a_child(
            self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("AMPARO_SECRET_KEY", SECRET)  # in our environment as it starts
        zygote = Zygote.start(sandbox._child_env(), sandbox.PROJECT_ROOT, ready_timeout=30)
        try:
            with zygote.fork_child(HEADER.pack(512, 8, 4, 10)) as conn:
                conn.settimeout(10)
                child = PID.unpack(conn.recv(PID.size))[0]
                assert wait_for(lambda: limited(child))  # now waiting for its PDF
                envs = [Path(f"/proc/{p}/environ").read_bytes() for p in (zygote.pid, child)]
                child_fds = os.listdir(f"/proc/{child}/fd")
        finally:
            zygote.stop()
        for env in envs:
            assert SECRET.encode() not in env
            names = {item.split(b"=", 1)[0] for item in env.split(b"\0") if item}
            assert names <= {b"PATH", b"PYTHONPATH", b"PYTHONDONTWRITEBYTECODE",
                             b"PYTHONHASHSEED", b"LC_ALL"}
        # stdin/stdout/stderr (/dev/null) and its own socket: not the zygote's control socket
        assert len(child_fds) == 4


@pytest.mark.serial  # killed within 1.5 s, gone within 2 s
class TestTimeout:
    def test_the_child_is_killed_at_the_wall_clock_limit(self, hostile_dir: Path) -> None:
        zpid = zygote_pid()
        started = time.monotonic()
        with pytest.raises(PdfRejected) as caught:
            read_pdf_limited((hostile_dir / "bomb.pdf").read_bytes(), timeout_s=0.3)
        assert caught.value.code == "timeout"
        assert time.monotonic() - started < 1.5
        assert wait_for(lambda: not children_of(zpid), seconds=2.0), "the child lives on"
        assert ZYGOTE.pid() == zpid  # the zygote itself is untouched
