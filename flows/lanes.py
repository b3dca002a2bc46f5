"""The dispatcher's lanes, as the flow steps see them: who runs in this thread, and the two
"give way" signals. In one process the lanes share the interpreter, so critical work goes
first, then routing, then other cases' e-mails (reviewers see their queue anyway).

Apart from flows/dispatch.py so that the steps (flows/applications.py, flows/notify.py)
can give way without importing the dispatcher, which starts them: no circle of imports.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Who runs in this thread ("express", "main", "notices"; unset in workers and tests).
current = threading.local()
express_idle = threading.Event()
express_idle.set()
routing_idle = threading.Event()
routing_idle.set()
GIVE_WAY_MAX_S = 2.0  # the main lane never stops for long, even under a flood of criticals
ROUTING_FIRST_MAX_S = 10.0  # e-mails still trickle out during a long surge


def give_way_to_critical() -> None:
    """Called by flow steps between rows: pause while critical work runs in this process.
    A no-op for the express lane itself and where no express lane runs (workers)."""
    if getattr(current, "role", None) != "express":
        express_idle.wait(GIVE_WAY_MAX_S)


def give_way_to_routing() -> None:
    """Called by the notices lane between chunks: pause while the main lane routes cases."""
    if getattr(current, "role", None) == "notices":
        routing_idle.wait(ROUTING_FIRST_MAX_S)


@contextmanager
def working() -> Iterator[None]:
    """While the express lane runs what it claimed, the other lanes give way; while the main
    lane routes, the notices lane does (not while a lane merely looks for work: that would
    stall the others at every poll)."""
    idle = {"express": express_idle, "main": routing_idle}.get(getattr(current, "role", ""))
    if idle is None:
        yield
        return
    idle.clear()
    try:
        yield
    finally:
        idle.set()
