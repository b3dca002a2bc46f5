"""Read an uploaded PDF form in a separate, limited process.

pdfminer (under pdfplumber) has no limits of its own: a 1 GB-inflating stream once ran over
60 s and took 2.3 GB here. So the parent checks what is cheap (size, magic bytes, the end
marker) and a child process with memory, CPU, file and wall-clock limits does the parsing.
Every failure becomes a ``PdfRejected`` with a stable code and a message free of file content.

The child is forked from a warm zygote (forms/pdf/zygote.py: pdfplumber already imported, a
minimal environment), one fresh child per file: a start costs milliseconds, not the ~150 ms
of a new interpreter importing pdfplumber. Should no zygote be available, a fresh interpreter
(``python -m forms.pdf.worker``) does the same job, only slower.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from forms.pdf.errors import PdfRejected
from forms.pdf.parsed import ParsedForm
from forms.pdf.zygote_client import WarmParser, ZygoteUnavailable

PDF_MAGIC = b"%PDF-"
EOF_WINDOW = 2048          # "%%EOF" must appear this close to the end of a complete file
PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Children alive at once: more than the cores only adds memory (each may take memory_mb),
# not speed; further callers queue here, outside their wall-clock limit.
MAX_CHILDREN = max(2, os.cpu_count() or 2)
_SLOTS = threading.BoundedSemaphore(MAX_CHILDREN)


def check_bytes(data: bytes, *, max_bytes: int) -> None:
    """The cheap checks, done before any parser sees the file."""
    if len(data) > max_bytes:
        raise PdfRejected("too_large", f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    if not data.startswith(PDF_MAGIC):
        raise PdfRejected("not_a_pdf", "The file is not a PDF.")
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise PdfRejected("unreadable", "The file is incomplete: it may have been cut off.")


def read_pdf_limited(data: bytes, *, max_bytes: int = 10 * 1024 * 1024, timeout_s: float = 10,
                     memory_mb: int = 512, cpu_s: int = 8, max_pages: int = 4) -> ParsedForm:
    """Parse a filled Amparo form in a limited child process; raises PdfRejected.

    Thread-safe: every call gets a child of its own."""
    check_bytes(data, max_bytes=max_bytes)
    limits = {"memory_mb": memory_mb, "cpu_s": cpu_s, "max_pages": max_pages}
    with _SLOTS:
        try:
            answer = ZYGOTE.parse(data, timeout_s=timeout_s, **limits)
        except ZygoteUnavailable:
            answer = read_cold(data, timeout_s=timeout_s, **limits)
        except TimeoutError:  # the child has been killed
            raise PdfRejected("timeout", "Reading the file took too long.") from None
    return _answer(answer)


def read_cold(data: bytes, *, timeout_s: float, memory_mb: int, cpu_s: int,
              max_pages: int) -> bytes | None:
    """The fallback: a fresh interpreter per file. Its output, or None if it did not exit 0."""
    cmd = [sys.executable, "-s", "-m", "forms.pdf.worker", str(memory_mb), str(cpu_s),
           str(max_pages)]
    try:
        proc = subprocess.run(cmd, input=data, capture_output=True, timeout=timeout_s,
                              cwd=PROJECT_ROOT, env=_child_env(), check=False)
    except subprocess.TimeoutExpired:  # run() has killed the child already
        raise PdfRejected("timeout", "Reading the file took too long.") from None
    return proc.stdout if proc.returncode == 0 else None


def _child_env() -> dict[str, str]:
    """A minimal environment: no secrets of the server are handed to the parser."""
    env = {"PYTHONPATH": str(PROJECT_ROOT), "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONHASHSEED": "0", "LC_ALL": "C.UTF-8"}
    if "PATH" in os.environ:
        env["PATH"] = os.environ["PATH"]
    return env


ZYGOTE = WarmParser(env=_child_env, cwd=PROJECT_ROOT)


def _answer(output: bytes | None) -> ParsedForm:
    """Turn the child's answer into a form or a rejection; stderr is never read."""
    if output is None:
        # Killed by a signal (SIGXCPU, SIGSEGV from a blown stack) or died of MemoryError
        # outside the parser's own handler: either way, a limit was reached.
        raise PdfRejected("resource_limit", "Reading the file went over the allowed resources.")
    try:
        answer = json.loads(output)
        if answer.get("ok"):
            return ParsedForm.from_json(answer["result"])
        code, message = str(answer["code"]), str(answer["message"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise PdfRejected("unreadable", "The file could not be read as a PDF form.") from None
    raise PdfRejected(code, message)
