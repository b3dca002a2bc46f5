"""TOTP codes for tests that sign the same person in more than once on one server.

A code is accepted once (issue 12) and the server takes the codes of the current time step and
of one either side (models/people/service.py). So a second sign-in within a step need not wait
30 s: it sends the next step's code, and only a third waits, for the step after.

    page.fill("#otp", unspent_code(secret))
"""
from __future__ import annotations

import time

import pyotp

_SPENT: dict[str, int] = {}  # secret -> the last time step whose code this process sent


def unspent_code(secret: str) -> str:
    """The code of the earliest step, from now on, that this process has not sent yet."""
    totp = pyotp.TOTP(secret)
    now = int(time.time() // totp.interval)
    step = max(now, _SPENT.get(secret, -1) + 1)
    if step > now + 1:  # this step's code and the next one's are spent: wait one step
        time.sleep((step - 1) * totp.interval - time.time() + 0.2)
    _SPENT[secret] = step
    return totp.at(step * totp.interval)
