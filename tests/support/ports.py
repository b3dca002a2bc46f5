"""Free TCP ports on 127.0.0.1 for servers a test starts, safe beside other test processes.

A port is found free and then handed to a server that binds it a moment later. In one pytest
process nothing else takes it meanwhile; with pytest-xdist (`make test` runs `-n 2`) another
worker could be handed the same port by bind(0) in that moment, or the kernel could give it
to an outgoing connection (ephemeral ports: /proc/sys/net/ipv4/ip_local_port_range,
32768-60999 here). So each xdist worker takes its ports from a block of its own below the
ephemeral range (gw0: 20000-20999, gw1: 21000-21999, ...), in turn, skipping any port that
is still bound; a process that is not an xdist worker asks the kernel, as before.

    port = free_port()
"""
from __future__ import annotations

import itertools
import os
import socket
import threading

BLOCK_START = 20000
BLOCK_SIZE = 1000
MAX_WORKERS = 12  # 20000 + 12 * 1000 stays below the ephemeral range's 32768

_lock = threading.Lock()
_next: itertools.count | None = None


def _worker_index() -> int | None:
    name = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ... (set by xdist)
    if not name.startswith("gw") or not name[2:].isdigit():
        return None
    index = int(name[2:])
    if index >= MAX_WORKERS:
        raise RuntimeError(f"{name}: at most {MAX_WORKERS} xdist workers have port blocks")
    return index


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))  # no SO_REUSEADDR: a port in TIME_WAIT is skipped
        except OSError:
            return False
        return True


def free_port() -> int:
    """A port nothing listens on now, from this worker's own block under xdist."""
    index = _worker_index()
    if index is None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    global _next
    with _lock:
        if _next is None:
            _next = itertools.count()
        start = BLOCK_START + index * BLOCK_SIZE
        for _ in range(BLOCK_SIZE):
            port = start + next(_next) % BLOCK_SIZE
            if _bindable(port):
                return port
    raise RuntimeError(f"no free port in {start}-{start + BLOCK_SIZE - 1}")
