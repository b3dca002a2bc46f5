"""The people of the simulated week (bench/week.py): who works when, how fast they answer.

Everything here is behaviour, drawn from one seeded `random.Random`; every action on the data
goes through the domain's own functions (bench/week_actions.py). Times are simulated minutes
from Monday 00:00 UTC.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

DAY, HOUR = 24 * 60, 60
# A global fund's requests by UTC hour (the Americas' afternoon, Africa and Europe's day, Asia's
# morning); the surge day gets three times as many.
HOURLY = [2, 2, 2, 3, 4, 5, 6, 7, 8, 8, 9, 9, 10, 11, 12, 12, 12, 11, 10, 9, 8, 6, 4, 3]
SURGE_DAY, SURGE_FACTOR = 2, 3.0  # Wednesday
KINDS = [("grant", 0.70), ("shelter", 0.20), ("visa", 0.10)]
RISKS = [("critical", 0.05), ("high", 0.20), ("medium", 0.45), ("low", 0.30)]  # benchmarks.md
ZONES = {"americas": -5, "europe": 1, "asia": 8}  # UTC offsets of the reviewers' three zones


def hour_of(minute: float) -> int:
    return int(minute // HOUR) % 24


def weekday(minute: float) -> int:
    return int(minute // DAY) % 7


def arrivals_per_hour(minute: float, per_day: float) -> float:
    rate = per_day * HOURLY[hour_of(minute)] / sum(HOURLY)
    return rate * (SURGE_FACTOR if weekday(minute) == SURGE_DAY else 1.0)


def local_hour(minute: float, offset: int) -> float:
    return ((minute / HOUR) + offset) % 24


def next_online(minute: float, offset: int, start: int, end: int, weekdays_only: bool = False
                ) -> float:
    """The first minute at or after `minute` inside [start, end) local time (weekdays only
    when asked); steps of five minutes, at most two weeks ahead."""
    t = minute
    for _ in range(14 * 24 * 12):
        local = local_hour(t, offset)
        day = int((t + offset * HOUR) // DAY) % 7
        if start <= local < end and not (weekdays_only and day >= 5):
            return t
        t += 5
    return math.inf


@dataclass
class Reviewer:
    user_id: str
    zone: str
    late_evenings: bool  # some answer until 23:00 local, the rest until 20:00

    @property
    def offset(self) -> int:
        return ZONES[self.zone]

    def online_from(self, minute: float) -> float:
        return next_online(minute, self.offset, 7, 23 if self.late_evenings else 20)


@dataclass
class Plan:
    """One reviewer's intention on one case: act at `due` (inf: never unless nudged)."""
    due: float
    action: str  # vote | recuse | ask
    decision: str = "approve"


@dataclass
class People:
    rng: random.Random
    plans: dict[tuple[str, str], Plan] = field(default_factory=dict)

    def pick(self, table: list[tuple[str, float]]) -> str:
        return self.rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]

    def reviewer_delay(self) -> float:
        """Minutes to a day: log-normal, median three hours."""
        return min(max(self.rng.lognormvariate(math.log(180), 1.1), 5), 30 * HOUR)

    def plan_for(self, now: float, voters: int, fast_track: bool) -> Plan | None:
        """Does this voter take this case up, and how? About five of a panel look at a panel
        case; every on-call voter looks at a fast-track one. 10% never answer, 4% recuse,
        2% ask the applicant a question first."""
        if not fast_track and self.rng.random() > min(1.0, 5 / max(voters, 1)):
            return Plan(math.inf, "vote")  # not theirs to pick up, unless reminded
        roll = self.rng.random()
        if roll < 0.10:
            return Plan(math.inf, "vote")
        action = "recuse" if roll < 0.14 else "ask" if roll < 0.16 else "vote"
        decision = "reject" if self.rng.random() < 0.15 else "approve"
        delay = self.reviewer_delay() / (3 if fast_track else 1)
        return Plan(now + delay, action, decision)

    def nudge(self, plan: Plan, now: float, *, chance: float, within_h: float) -> None:
        """A reminder or the chair's call: a pending vote comes sooner; a forgotten one comes
        with `chance`."""
        if plan.due == math.inf and self.rng.random() > chance:
            return
        plan.due = min(plan.due, now + self.rng.uniform(20, within_h * HOUR))
        plan.action = "vote" if plan.action == "ask" else plan.action

    def applicant_answer_in(self) -> float:
        """She answers a question late or never: 25% never, else log-normal, median 10 h."""
        if self.rng.random() < 0.25:
            return math.inf
        return min(max(self.rng.lognormvariate(math.log(600), 1.0), 15), 5 * DAY)

    def desk_delay(self, forgotten: float, critical: bool = False) -> float:
        """A coordinator or visa officer: a few working hours to two days; some forgotten.
        A critical case is at the top of her desk, marked, and e-mailed: taken up within two
        hours of her working time, 5% missed until a reminder."""
        if self.rng.random() < (0.05 if critical else forgotten):
            return math.inf
        return self.rng.uniform(15, 2 * HOUR) if critical else self.rng.uniform(2 * HOUR, 48 * HOUR)
