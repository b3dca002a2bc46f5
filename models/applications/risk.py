"""An explainable risk score: each factor with the weight it added, weights from the programme.

Score = sum of the threat types' weights (capped by `threat_types_max` when the programme
sets it) + imminence + the perpetrator's weight + prior attacks (each, capped) + dependants
(each, capped) + the country's weight. Level by thresholds (`levels`), priority from the level.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.applications.tables import Application
from models.programmes.tables import DEFAULT_RISK_WEIGHTS

LEVELS = ("critical", "high", "medium", "low")
PRIORITY = {"critical": 0, "high": 1, "medium": 2, "low": 3}


@dataclass
class Risk:
    score: int
    level: str
    factors: list[dict[str, Any]]

    @property
    def priority(self) -> int:
        return PRIORITY[self.level]


def _num(weights: dict[str, Any], key: str) -> int:
    return int(weights.get(key, DEFAULT_RISK_WEIGHTS.get(key, 0)) or 0)


def _table(weights: dict[str, Any], key: str) -> dict[str, Any]:
    value = weights.get(key)
    return value if isinstance(value, dict) else dict(DEFAULT_RISK_WEIGHTS.get(key, {}))  # type: ignore[arg-type]


def assess(application: Application, country: str | None,
           weights: dict[str, Any] | None) -> Risk:
    w = weights or DEFAULT_RISK_WEIGHTS
    factors = _threat_factors(application, w)
    if application.threat_imminent:
        factors.append({"factor": "imminent", "value": True, "weight": _num(w, "imminent")})
    if application.perpetrator:
        factors.append({"factor": "perpetrator", "value": application.perpetrator,
                        "weight": int(_table(w, "perpetrator").get(application.perpetrator, 0))})
    factors += _counted("prior_attacks", application.prior_attacks,
                        _num(w, "prior_attack_each"), w.get("prior_attacks_max"))
    factors += _counted("dependants", application.dependants, _num(w, "dependant_each"),
                        w.get("dependants_max"))
    country_weight = int(_table(w, "country").get(country or "", 0))
    if country and country_weight:
        factors.append({"factor": "country", "value": country, "weight": country_weight})
    score = max(0, sum(f["weight"] for f in factors))
    return Risk(score=score, level=level_for(score, _table(w, "levels")), factors=factors)


def _threat_factors(application: Application, w: dict[str, Any]) -> list[dict[str, Any]]:
    by_type = _table(w, "threat_type")
    factors = [{"factor": "threat_type", "value": t, "weight": int(by_type.get(t, 0))}
               for t in application.threat_types or []]
    cap = w.get("threat_types_max")
    total = sum(f["weight"] for f in factors)
    if cap is not None and total > int(cap):
        factors.append({"factor": "threat_types_cap", "value": int(cap),
                        "weight": int(cap) - total})
    return factors


def _counted(name: str, count: int, each: int, cap: Any) -> list[dict[str, Any]]:
    if not count or not each:
        return []
    weight = count * each
    if cap is not None:
        weight = min(weight, int(cap))
    return [{"factor": name, "value": count, "weight": weight}]


def level_for(score: int, thresholds: dict[str, Any]) -> str:
    for level in ("critical", "high", "medium"):
        if level in thresholds and score >= int(thresholds[level]):
            return level
    return "low"
