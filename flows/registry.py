"""Which flow runs for which outbox row. Flows take lists of ids, never personal data.

Each entry: outbox flow name -> (module path, function name). The deployment of each flow in
prefect.yaml is named after the flow function (`<flow-name>/<flow-name>`).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

FLOWS: dict[str, tuple[str, str]] = {
    # name used in the outbox      module            flow function
    "process-application": ("flows.applications", "process_applications"),
    "decide-application": ("flows.reviews", "decide_applications"),
    "send-disbursement": ("flows.money", "send_disbursements"),
    "reconcile-stripe": ("flows.money", "reconcile_stripe"),
    "send-notices": ("flows.notify", "send_notices"),
    "sweep": ("flows.sweeper", "sweep"),
    "match-shelter": ("flows.shelter", "match_shelter_cases"),
    "remind-visa-deadlines": ("flows.visas", "remind_visa_deadlines"),
    "rotate-keys": ("flows.operations", "rotate_keys"),
}

# What the dispatcher's express lane runs itself for critical cases, without a flow run:
# the same steps, minus Prefect's per-run cost (0.2-2.5 s measured mid-surge, most of a
# critical case's wait). A `process-application` run follows as the record and safety net.
DIRECT: dict[str, tuple[str, str]] = {
    "process-application": ("flows.applications", "process_directly"),
    "send-notices": ("flows.notify", "mail_directly"),
}


def register(name: str, module: str, function: str) -> None:
    FLOWS[name] = (module, function)


def resolve(name: str) -> Callable[..., Any]:
    module, function = FLOWS[name]
    return getattr(importlib.import_module(module), function)


def resolve_direct(name: str) -> Callable[..., Any] | None:
    """The function the express lane calls instead of starting flow `name`, if any."""
    if name not in DIRECT:
        return None
    module, function = DIRECT[name]
    return getattr(importlib.import_module(module), function)


def deployment_name(name: str) -> str:
    flow = resolve(name)
    flow_name = getattr(flow, "name", name)
    return f"{flow_name}/{flow_name}"
