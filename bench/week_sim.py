"""The simulated week's processes (simpy; one unit = one minute). See bench/week.py."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

import simpy

from bench import week_actions as act
from bench.surge_data import application
from bench.week_people import (DAY, HOUR, KINDS, RISKS, People, Plan, Reviewer,
                               arrivals_per_hour, hour_of, next_online, weekday)

ALERTS = ("review_escalated", "review_stuck", "clock_escalated", "clock_reminder")


@dataclass
class Case:
    id: str
    receipt: str
    kind: str
    profile: str
    submitted: float
    decided: float | None = None  # visas: the officer's decision (grants: decided_at)


@dataclass
class Week:
    staff: dict
    per_day: float
    seed: int
    minutes: float
    clock: Any
    cases: dict[str, Case] = field(default_factory=dict)
    answers: dict[str, float] = field(default_factory=dict)  # question -> due minute
    desks: dict[str, float] = field(default_factory=dict)    # case -> a desk's due minute
    reacted: set = field(default_factory=set)
    sweeps: int = 0
    sweep_every: float = 30.0  # minutes between two runs of the sweeper's steps
    step_seconds: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.arrival_rng = random.Random(self.seed + 2)  # the same requests in every run
        self.rota_rng = random.Random(self.seed + 3)     # and the same on-call rota
        self.people = People(random.Random(self.seed + 1))
        self.env = simpy.Environment()
        self.reviewers: dict[str, Reviewer] = {r.user_id: r for r in self.staff["reviewers"]}
        self.reserves = list(self.staff["reserves"])
        self.notices_seen = 0

    # --- the clock -----------------------------------------------------------------------
    def every(self, minutes: float, fn: Any, offset: float = 0.0) -> Any:
        def loop() -> Any:
            yield self.env.timeout(offset)
            while True:
                self.clock.minute = self.env.now
                fn()
                yield self.env.timeout(minutes)
        return self.env.process(loop())

    def run(self) -> None:
        self.env.process(self.arrivals())
        self.every(8 * HOUR, self.rota)
        self.every(self.sweep_every, self.sweep, offset=7)
        self.every(10, self.reviewers_act, offset=3)
        self.every(15, self.read_notices, offset=11)
        self.every(30, self.applicants, offset=13)
        self.every(30, self.desks_act, offset=17)
        self.every(30, self.finance, offset=23)
        self.env.run(until=self.minutes)
        self.clock.minute = self.minutes

    # --- arrivals: requests by hour, the surge day ------------------------------------------
    def arrivals(self) -> Any:
        peak = max(arrivals_per_hour(m * HOUR, self.per_day) for m in range(7 * 24))
        i = 0
        while True:
            rng = self.arrival_rng
            yield self.env.timeout(rng.expovariate(peak / HOUR))
            if rng.random() > arrivals_per_hour(self.env.now, self.per_day) / peak:
                continue  # thinning: a rate that changes by the hour
            i += 1
            self.clock.minute = self.env.now
            kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
            profile = rng.choices([k for k, _ in RISKS], weights=[w for _, w in RISKS])[0]
            body = application(i, kind=kind, profile=profile, rng=rng)
            if rng.random() < 0.10:
                body.pop("endorser")  # triage asks her who can vouch for her
            app_id, receipt = act.submit(body)
            self.cases[app_id] = Case(app_id, receipt, kind, profile, self.env.now)
            self.env.process(self.route_soon(app_id))

    def route_soon(self, app_id: str) -> Any:
        yield self.env.timeout(1)  # the process-application flow picks it up
        self.clock.minute = self.env.now
        act.process(app_id)

    # --- the on-call rota: shifts of eight hours, some short-handed, some empty -------------
    def rota(self) -> None:
        zone = {0: "asia", 8: "europe", 16: "americas"}[hour_of(self.env.now) // 8 * 8]
        pool = [r.user_id for r in self.reviewers.values() if r.zone == zone]
        roll = self.rota_rng.random()
        size = 0 if roll < 0.10 else 1 if roll < 0.25 else 2
        act.set_on_call(set(self.rota_rng.sample(pool, min(size, len(pool)))))

    def sweep(self) -> None:
        """Every step of the real sweeper, as `run_steps` runs them (a transaction each)."""
        import time

        from flows.sweeper import sweep_steps_in_order
        from models.core.db import session_scope
        now = self.clock.at(self.env.now)
        for step in sweep_steps_in_order():
            started = time.perf_counter()
            try:
                with session_scope() as session:
                    step(session, now)
            except Exception as exc:  # noqa: BLE001 - as run_steps: one step never stops the rest
                act.REFUSED[f"sweep:{step.__name__}:{type(exc).__name__}"] += 1
            name = step.__name__
            self.step_seconds[name] = self.step_seconds.get(name, 0) + time.perf_counter() - started
        self.sweeps += 1

    # --- reviewers -------------------------------------------------------------------------
    def reviewers_act(self) -> None:
        now = self.env.now
        if int(now) % 30 < 10:
            self.plan_reviews(now)
        for (app_id, uid), plan in list(self.people.plans.items()):
            if plan.due > now:
                continue
            reviewer = self.reviewers.get(uid) or Reviewer(uid, "europe", False)
            online = reviewer.online_from(now)
            if online > now:
                plan.due = online + self.rng.uniform(0, 45)
                continue
            self.execute(app_id, uid, plan, now)

    def plan_reviews(self, now: float) -> None:
        open_ids = set()
        for app_id, _, voters, fast in act.open_reviews():
            open_ids.add(app_id)
            for uid in voters:
                if (app_id, uid) not in self.people.plans:
                    self.people.plans[(app_id, uid)] = self.people.plan_for(now, len(voters), fast)
        for key in [k for k in self.people.plans if k[0] not in open_ids]:
            del self.people.plans[key]

    def execute(self, app_id: str, uid: str, plan: Plan, now: float) -> None:
        if plan.action == "ask":
            act.ask(app_id, uid)
            plan.action, plan.due = "vote", now + self.people.reviewer_delay() + DAY
            return
        decision = "recuse" if plan.action == "recuse" else plan.decision
        if act.vote(app_id, uid, decision):
            plan.due = math.inf
        else:
            del self.people.plans[(app_id, uid)]  # re-planned if she may still vote

    # --- notices: reminders and alerts reach people -----------------------------------------
    def read_notices(self) -> None:
        fresh = act.notices_after(self.notices_seen)
        self.notices_seen += len(fresh)
        for kind, recipient, app_id in fresh:
            case = self.cases.get(app_id) if app_id else None
            if kind == "review_reminder" and case and case.kind == "grant":
                plan = self.people.plans.setdefault((app_id, recipient), Plan(math.inf, "vote"))
                self.people.nudge(plan, self.env.now, chance=0.5, within_h=4)
            elif kind == "review_reminder" and case and ("desk", app_id) not in self.reacted:
                self.reacted.add(("desk", app_id))  # a visa officer's reminder: her desk
                self.env.process(self.react("clock_reminder", app_id))
            elif kind in ALERTS and app_id and (kind, app_id) not in self.reacted:
                self.reacted.add((kind, app_id))
                self.env.process(self.react(kind, app_id))

    def react(self, kind: str, app_id: str) -> Any:
        """The admin or chair (Europe, 08:00–20:00 every day) acts on an alert."""
        start = next_online(self.env.now, 1, 8, 20) + self.rng.uniform(15, 120)
        yield self.env.timeout(max(0.0, start - self.env.now))
        now = self.clock.minute = self.env.now
        status, case = act.status_of(app_id), self.cases.get(app_id)
        if status == "in_review" and case and case.kind == "grant":
            if kind == "review_stuck" and self.reserves:
                substitute = self.reserves.pop(0)
                self.reviewers[substitute.user_id] = substitute
                act.add_substitute(substitute.user_id, self.staff["programme_id"])
            for (a, _), plan in self.people.plans.items():
                if a == app_id:
                    self.people.nudge(plan, now, chance=0.7, within_h=3)
        elif status in ("in_review", "matching") and case and case.kind != "grant":
            due = self.desks.get(app_id, math.inf)
            chance = 1.0 if kind != "clock_reminder" else 0.7
            if self.rng.random() < chance:
                self.desks[app_id] = min(due, now + self.rng.uniform(HOUR, 8 * HOUR))
        elif status in ("needs_info", "info_requested") and kind == "clock_escalated":
            self.env.process(self.caseworker_calls(app_id))
        elif status in ("submitted", "eligible", "risk_assessed"):
            act.process(app_id)

    def caseworker_calls(self, app_id: str) -> Any:
        """She is phoned: half answer within 12 h; after 48 h more of silence, withdrawn."""
        questions = [q for q, a, _ in act.open_questions() if a == app_id]
        if self.rng.random() < 0.5:
            for q in questions:
                self.answers[q] = min(self.answers.get(q, math.inf),
                                      self.env.now + self.rng.uniform(60, 12 * HOUR))
            return
        yield self.env.timeout(48 * HOUR)
        self.clock.minute = self.env.now
        if act.status_of(app_id) in ("needs_info", "info_requested"):
            act.move(app_id, "withdrawn", role="caseworker", actor_id="system")

    # --- applicants: questions answered late or never ---------------------------------------
    def applicants(self) -> None:
        now = self.env.now
        reminded = self.reminded_cases()
        for q, app_id, _ in act.open_questions():
            if q not in self.answers:
                self.answers[q] = now + self.people.applicant_answer_in()
            elif self.answers[q] == math.inf and app_id in reminded and (q, "r") not in self.reacted:
                self.reacted.add((q, "r"))  # she read the reminder on her status page
                if self.rng.random() < 0.4:
                    self.answers[q] = now + self.rng.uniform(HOUR, DAY)
            if self.answers[q] <= now and app_id in self.cases:
                act.answer(self.cases[app_id].receipt, q)
                self.answers[q] = math.inf

    def reminded_cases(self) -> set[str]:
        from sqlmodel import select

        from models.applications.tables import ApplicantMessage
        from models.core.db import session_scope
        with session_scope() as s:
            return set(s.exec(select(ApplicantMessage.application_id).where(
                ApplicantMessage.code == "info_reminder")).all())

    # --- desks: shelter coordinators and visa officers (Europe, Mon–Sat 08:00–18:00) -------
    def desks_act(self) -> None:
        now = self.env.now
        for app_id, level in act.cases_in("shelter", "matching") + act.cases_in("visa", "in_review"):
            if app_id not in self.desks:  # a critical case tops her desk (issue 15)
                self.desks[app_id] = now + self.people.desk_delay(
                    forgotten=0.2, critical=level == "critical")
        if next_online(now, 1, 8, 18) > now or weekday(now) == 6:
            return
        for app_id, due in list(self.desks.items()):
            if due > now:
                continue
            case = self.cases.get(app_id)
            self.desks[app_id] = math.inf
            if case and case.kind == "shelter":
                if act.move(app_id, "closed", role="shelter_coordinator",
                            actor_id=self.staff["coordinators"][0]):
                    case.decided = now
            elif case and case.kind == "visa":
                if act.visa_review(app_id, self.staff["officers"][0], self.rng.random() < 0.8):
                    case.decided = now

    # --- finance: weekdays 09:00–17:00 Europe, each officer away one day in seven -----------
    def finance(self) -> None:
        now = self.env.now
        if weekday(now) >= 5 or next_online(now, 1, 9, 17) > now:
            return
        day = int(now // DAY)
        present = [f for i, f in enumerate(self.staff["finance"])
                   if random.Random(self.seed * 1000 + day * 10 + i).random() > 1 / 7]
        if present:
            act.finance_round(present, self.clock.at(now))
