"""What a PDF-parsing child does: limit itself, parse, answer in JSON.

Two ways in. Usually a child forked by the warm fork server (forms/pdf/zygote.py) calls
``limit`` and ``run``. The cold fallback runs this module as a fresh interpreter:
``python -m forms.pdf.worker AS_MB CPU_S MAX_PAGES``, the PDF on stdin, the answer on stdout.
Either way the limits are set before a byte of input is read: a preexec_fn in the parent
would do the same but is unsafe in a threaded server (the API runs uploads in a thread pool).
The answer is ``{"ok": true, "result": {...}}`` or ``{"ok": false, "code": ..., "message": ...}``.
"""
from __future__ import annotations

import json
import resource
import signal
import sys


def limit(memory_mb: int, cpu_s: int) -> None:
    """Address space, CPU seconds, no files written, few descriptors, no core dumps."""
    mem = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (32, 32))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # A write to a file would kill us with SIGXFSZ; EFBIG is enough (and never expected).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def encode(answer: dict[str, object]) -> bytes:
    return json.dumps(answer, ensure_ascii=True).encode("ascii")


def run(data: bytes, max_pages: int) -> dict[str, object]:
    # Imported here so the cold path has its limits in place first (the zygote preloads them).
    from forms.pdf.errors import PdfRejected
    from forms.pdf.reader import parse_pdf

    try:
        return {"ok": True, "result": parse_pdf(data, max_pages=max_pages).to_json()}
    except PdfRejected as exc:
        return {"ok": False, "code": exc.code, "message": exc.message}
    except Exception as exc:  # any parser failure is the file's fault; say nothing of its content
        causes = _causes(exc)
        if any(isinstance(c, MemoryError) for c in causes):
            return {"ok": False, "code": "resource_limit",
                    "message": "The file needs too much memory to read."}
        if any(isinstance(c, RecursionError) for c in causes):
            return {"ok": False, "code": "unreadable", "message": "The file is nested too deeply to read."}
        return {"ok": False, "code": "unreadable", "message": "The file could not be read as a PDF form."}


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and what it wraps: pdfplumber re-raises pdfminer's errors as its own
    PdfminerException(original), so a MemoryError hides in ``args``."""
    out: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(out) < 20:
        e = todo.pop()
        out.append(e)
        todo.extend(a for a in e.args if isinstance(a, BaseException))
        todo.extend(c for c in (e.__cause__, e.__context__) if c is not None)
    return out


def main(argv: list[str]) -> int:
    memory_mb, cpu_s, max_pages = (int(a) for a in argv[1:4])
    limit(memory_mb, cpu_s)
    data = sys.stdin.buffer.read()
    answer = run(data, max_pages)
    sys.stdout.buffer.write(encode(answer))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
