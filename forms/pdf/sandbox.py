"""Read an uploaded PDF form in a separate, limited process.

pdfminer (under pdfplumber) has no limits of its own: a 1 GB-inflating stream once ran over
60 s and took 2.3 GB here. So the parent checks what is cheap (size, magic bytes, the end
marker) and a child process with memory, CPU, file and wall-clock limits does the parsing.
Every failure becomes a ``PdfRejected`` with a stable code and a message free of file content.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from forms.pdf.errors import PdfRejected
from forms.pdf.parsed import ParsedForm

PDF_MAGIC = b"%PDF-"
EOF_WINDOW = 2048          # "%%EOF" must appear this close to the end of a complete file
PROJECT_ROOT = Path(__file__).resolve().parents[2]


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
    """Parse a filled Amparo form in a limited subprocess; raises PdfRejected."""
    check_bytes(data, max_bytes=max_bytes)
    cmd = [sys.executable, "-s", "-m", "forms.pdf.worker", str(memory_mb), str(cpu_s),
           str(max_pages)]
    try:
        proc = subprocess.run(cmd, input=data, capture_output=True, timeout=timeout_s,
                              cwd=PROJECT_ROOT, env=_child_env(), check=False)
    except subprocess.TimeoutExpired:  # run() has killed the child already
        raise PdfRejected("timeout", "Reading the file took too long.") from None
    return _answer(proc.returncode, proc.stdout)


def _child_env() -> dict[str, str]:
    """A minimal environment: no secrets of the server are handed to the parser."""
    env = {"PYTHONPATH": str(PROJECT_ROOT), "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONHASHSEED": "0", "LC_ALL": "C.UTF-8"}
    if "PATH" in os.environ:
        env["PATH"] = os.environ["PATH"]
    return env


def _answer(returncode: int, stdout: bytes) -> ParsedForm:
    """Turn the child's exit and output into a form or a rejection; stderr is never read."""
    if returncode != 0:
        # Killed by a signal (SIGXCPU, SIGSEGV from a blown stack) or died of MemoryError
        # outside the parser's own handler: either way, a limit was reached.
        raise PdfRejected("resource_limit", "Reading the file went over the allowed resources.")
    try:
        answer = json.loads(stdout)
        if answer.get("ok"):
            return ParsedForm.from_json(answer["result"])
        code, message = str(answer["code"]), str(answer["message"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise PdfRejected("unreadable", "The file could not be read as a PDF form.") from None
    raise PdfRejected(code, message)
