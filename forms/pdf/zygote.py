"""The warm fork server ("zygote") that PDF-parsing children are forked from.

Started by the server (forms/pdf/zygote_client.py) as ``python -s -m forms.pdf.zygote FD``
with the minimal environment of sandbox._child_env: no secret of the server is ever in this
process, so none is in a child's memory either. It imports pdfplumber and our reader once,
parses a built-in form to warm the caches, then waits on the control socket FD.

Each request is one SOCK_SEQPACKET message: a header with the limits, and (SCM_RIGHTS) one
end of a socket pair made for that request. For each we fork one child, which sends its pid,
limits itself (worker.limit), reads the PDF until EOF, parses it, sends the JSON answer and
exits. The server kills it on timeout. We stay single-threaded, never parse an upload
ourselves, and hand a child only its own socket: nothing passes from one file to the next.
"""
from __future__ import annotations

import gc
import os
import signal
import socket
import struct
import sys

HEADER = struct.Struct("!4I")  # memory_mb, cpu_s, max_pages, alarm_s
PID = struct.Struct("!i")
READY = b"R"
CHUNK = 64 * 1024


def main(argv: list[str]) -> int:
    control = socket.socket(fileno=int(argv[1]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server; we follow its EOF
    warm_up()
    gc.freeze()  # a child's collections then skip (and do not copy) the preloaded objects
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps our children
    control.sendall(READY)
    serve(control)
    return 0


def serve(control: socket.socket) -> None:
    """Fork a child per request until the server closes its end."""
    while True:
        msg, fds, _flags, _addr = socket.recv_fds(control, HEADER.size + 1, 1)
        if not msg and not fds:
            return  # the server has gone
        if len(msg) != HEADER.size or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            continue
        spawn(control, fds[0], HEADER.unpack(msg))


def spawn(control: socket.socket, fd: int, limits: tuple[int, ...]) -> None:
    try:
        pid = os.fork()
    except OSError:
        pid = -1  # closing fd unanswered tells the server no child started
    if pid == 0:
        child(control, fd, limits)  # never returns
    os.close(fd)


def child(control: socket.socket, fd: int, limits: tuple[int, ...]) -> None:
    """Parse one PDF and exit; never return into the server loop, whatever happens."""
    code = 1
    try:
        control.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        from forms.pdf.worker import encode, limit, run
        conn = socket.socket(fileno=fd)
        conn.sendall(PID.pack(os.getpid()))  # before any input: the pid can be trusted
        memory_mb, cpu_s, max_pages, alarm_s = limits
        limit(memory_mb, cpu_s)
        signal.alarm(alarm_s)  # a backstop should the server that kills us be gone
        answer = run(read_all(conn), max_pages)
        conn.sendall(encode(answer))
        conn.close()  # EOF now, not after the kernel has torn down our address space
        code = 0
    finally:
        os._exit(code)


def read_all(conn: socket.socket) -> bytes:
    buf = bytearray()
    while chunk := conn.recv(CHUNK):
        buf += chunk
    return bytes(buf)


def warm_up() -> None:
    """Import the parser and read a built-in typed form once (font metrics, label caches);
    compile every catalog here, so a child (which may open few files) inherits them."""
    from forms.i18n import LANGUAGES, translations
    from forms.pdf import worker
    for language in LANGUAGES:
        translations(language)
    worker.run(_warm_up_pdf(), 1)


def _warm_up_pdf() -> bytes:
    lines = [b"[K1] Form type: grant", b"[K2] Language: en", b"[A1] Full name: Warm Up"]
    text = b"BT /F1 10 Tf 40 800 Td " + b" 0 -14 Td ".join(b"(%s) Tj" % s for s in lines) + b" ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
               b" /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
