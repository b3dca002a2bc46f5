"""Which clock watches which wait, how long it runs (the programme's rules), who hears of it.

Every waiting state has a clock named here; its hours come from `programme.clock_hours`
(an admin changes them as a new programme version) or `DEFAULT_CLOCK_HOURS`. A reminder goes
at half time, an escalation at the end. `in_review` keeps its own decision clock
(models/reviews/alerts.py, `decision_hours`).
"""
from __future__ import annotations

from models.programmes.tables import DEFAULT_CLOCK_HOURS, Programme

FRONT = {"submitted": "triage", "eligible": "triage", "risk_assessed": "triage",
         "needs_info": "needs_info", "info_requested": "needs_info"}
# (kind, status) -> clock; statuses shared by every kind in FRONT.
BY_KIND: dict[str, dict[str, str]] = {
    "grant": {"approved": "money_unsent"},
    "shelter": {"matching": "matching", "held": "held", "confirmed": "confirmed"},
    "visa": {"documents": "visa_documents", "lodged": "visa_lodged",
             "appointment": "visa_appointment", "granted": "visa_granted",
             "refused": "visa_refused", "travel": "visa_travel"},
}
WAITING_STATUSES = tuple(sorted(set(FRONT) | {s for m in BY_KIND.values() for s in m}))
WAITS_FOR_APPLICANT = frozenset({"needs_info"})
# Programme clocks that are not a waiting state's: the on-call window (models/reviews/reach.py).
NOT_WAITS = frozenset({"on_call"})
# The waits a critical case's cap shortens (the embassy's and her journey's are not ours to hurry).
CRITICAL_CAPPED = frozenset({"triage", "needs_info", "matching", "held", "money_unsent"})

# Who is reminded at half time; the escalation goes to them and to the admins (and the
# panel's chair for grants, models/reviews/alerts.py).
REMIND_ROLES: dict[str, tuple[str, ...]] = {
    "triage": ("caseworker",), "needs_info": ("caseworker",),
    "matching": ("shelter_coordinator",), "held": ("shelter_coordinator",),
    "confirmed": ("shelter_coordinator",), "money_unsent": ("finance",),
    "follow_up": ("caseworker",),
    **{clock: ("visa_officer",) for clock in BY_KIND["visa"].values()},
}


def clock_for(kind: str, status: str) -> str | None:
    """The clock watching a case of this kind in this status (None: nothing waits)."""
    return FRONT.get(status) or BY_KIND.get(kind, {}).get(status)


def clock_hours(programme: Programme | None, clock: str) -> int:
    """The hours of this clock in the programme's rules, else the default."""
    custom = (programme.clock_hours or {}) if programme is not None else {}
    return int(custom.get(clock) or DEFAULT_CLOCK_HOURS[clock])


def wait_hours(programme: Programme | None, clock: str, risk_level: str | None) -> int:
    """The hours this case may wait here: the clock's, and for a critical case at most the
    programme's `critical_waits` on the waits the fund or she ends within hours (her silence
    on a question, triage, a bed, a hold, unsent money) — a week's silence from someone in
    danger is not a week to wait before anyone calls her."""
    hours = clock_hours(programme, clock)
    if risk_level == "critical" and clock in CRITICAL_CAPPED:
        return min(hours, clock_hours(programme, "critical_waits"))
    return hours


def shortest_half_hours(programmes: list[Programme]) -> float:
    """The earliest any reminder can fall due: half the shortest clock of any programme."""
    clocks = [c for c in DEFAULT_CLOCK_HOURS if c not in NOT_WAITS]
    hours = [clock_hours(p, c) for p in programmes for c in clocks] \
        or [DEFAULT_CLOCK_HOURS[c] for c in clocks]
    return min(hours) / 2
