"""Generated applications for the surge benchmark and the fault tests: obviously fake people.

A crisis mix: mostly emergency grants, some shelter and visa requests; a few critical cases
(imminent death threat by a state actor, prior attacks), many high and medium, some low.
Deterministic for a given seed, so two runs submit the same surge.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

KINDS = [("grant", 0.70), ("shelter", 0.20), ("visa", 0.10)]
# risk profile -> (share, threat types, imminent, perpetrator, prior attacks)
PROFILES: dict[str, tuple[float, list[str], bool, str, int]] = {
    "critical": (0.05, ["death_threat", "physical_attack"], True, "state", 3),
    "high": (0.20, ["criminalisation", "surveillance"], False, "non_state_armed", 1),
    "medium": (0.45, ["surveillance", "smear_campaign"], False, "corporate", 0),
    "low": (0.30, ["online_harassment"], False, "unknown", 0),
}
COUNTRIES = ["GT", "HN", "MX", "CO", "PH", "KE", "UG", "NI", "BY", "AF", "MM", "SD"]
LANGUAGES = ["en", "es", "fr", "pt", "ar", "sw"]


def _pick(rng: random.Random, table: list[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def _request(kind: str, rng: random.Random, i: int) -> dict[str, Any]:
    if kind == "grant":
        return {"amount": rng.choice([500, 1200, 2500, 3000, 4800, 7000]), "currency": "EUR",
                "purpose": f"Fake purpose text number {i} for a benchmark"}
    if kind == "shelter":
        return {"people": 2, "children": 1, "needs": "Fake needs text",
                "from_date": (date.today() + timedelta(days=2)).isoformat(), "nights": 14}
    return {"destination_country": "ES", "family_members": 1,
            "passport_valid_until": (date.today() + timedelta(days=700)).isoformat(),
            "purpose": f"Fake visa purpose number {i}"}


def application(i: int, *, kind: str, profile: str, rng: random.Random) -> dict[str, Any]:
    """One application body of CONTRACT.md, every personal field obviously fake."""
    _, types, imminent, perpetrator, prior = PROFILES[profile]
    return {
        "kind": kind, "programme": "emergency", "language": rng.choice(LANGUAGES),
        "applicant": {"name": f"Test Person {i:05d}", "email": f"p{i:05d}@example.invalid",
                      "country": rng.choice(COUNTRIES), "organisation": "Test Collective"},
        "threat": {"description": f"Fake threat description number {i}", "types": types,
                   "imminent": imminent, "perpetrator": perpetrator, "prior_attacks": prior},
        "dependants": rng.randint(0, 3),
        "endorser": {"name": "Test Endorser Beta", "organisation": "Test Network",
                     "contact": "beta@example.invalid"},
        "request": _request(kind, rng, i),
    }


def surge(n: int, *, seed: int = 2026, critical_window: tuple[float, float] = (0.0, 1.0)
          ) -> list[tuple[str, dict[str, Any]]]:
    """n (profile, body) pairs; critical cases fall only inside `critical_window` of the surge
    (by default anywhere, ~5% of the cases, as in a real crisis)."""
    rng = random.Random(seed)
    lo, hi = int(n * critical_window[0]), int(n * critical_window[1])
    others = [(k, w) for k, (w, *_rest) in PROFILES.items() if k != "critical"]
    share = PROFILES["critical"][0] * n / max(1, hi - lo)  # same overall share of critical
    out = []
    for i in range(n):
        kind = _pick(rng, KINDS)
        profile = "critical" if lo <= i < hi and rng.random() < share else _pick(rng, others)
        out.append((profile, application(i, kind=kind, profile=profile, rng=rng)))
    return out
