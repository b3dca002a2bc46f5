"""Cross-area hooks, installed in one explicit call (issue 13: no registration by import).

The applications area must not import the areas built on it (visas, shelter, relocation),
yet its status page shows their next steps and its uploads feed their checklists. So those
areas hand it functions, and this module — above all the areas, like models/registry.py —
is the one place that says which: `install()` runs them, idempotently, and `api/app.py`
calls it when the app is made (tests that use these hooks without the app call it too).
"""
from __future__ import annotations

from models.money import payout_public
from models.visas import hooks as visa_hooks

INSTALLERS = [
    payout_public.register,  # the status part "payout": how and when she is paid (issue 17)
    visa_hooks.register,  # the `visa_item` upload purpose; visa and shelter next steps
                          # (with the relocation timeline)
]


def install() -> None:
    for installer in INSTALLERS:
        installer()
