"""A programme's rules as data: stored (minor units) and API (major units) shapes, and the
checks a change must pass — apart from the service that stores versions (service.py)."""
from __future__ import annotations

import copy
from typing import Any

from models.core.currency import to_major, to_minor_exact
from models.core.errors import Invalid
from models.programmes.tables import (DEFAULT_CLOCK_HOURS, DEFAULT_DUPLICATE_WINDOW_DAYS,
                                      DEFAULT_DECISION_HOURS, DEFAULT_RISK_WEIGHTS, Programme)

# storage column -> API field, for the amounts (minor units stored, major units in the API)
AMOUNTS = {"cap_minor": "cap", "finance_threshold_minor": "finance_single_approval_max",
           "tranche_threshold_minor": "tranche_above", "budget_minor": "budget"}
PLAIN = ("name", "currency", "kinds", "quorum", "fast_track_approvals", "tranche_first_percent",
         "decision_hours", "countries", "followup_days", "report_days", "excluded_costs",
         "risk_weights", "hold_hours", "active", "clock_hours", "duplicate_window_days",
         "payout_rails")


def rules_of(programme: Programme) -> dict[str, Any]:
    """The whole rules as stored (minor units): what a version keeps."""
    rules = {name: copy.deepcopy(getattr(programme, name)) for name in PLAIN}
    rules.update({column: getattr(programme, column) for column in AMOUNTS})
    return rules


def _major(amount_minor: int | None, currency: str) -> float | int | None:
    if amount_minor is None:
        return None
    value = to_major(amount_minor, currency)
    return int(value) if value == value.to_integral_value() else float(value)


def api_rules(rules: dict[str, Any]) -> dict[str, Any]:
    """Stored rules -> the API's shape (amounts in major units)."""
    out = {name: copy.deepcopy(rules.get(name)) for name in PLAIN}
    out["decision_hours"] = {**DEFAULT_DECISION_HOURS, **(rules.get("decision_hours") or {})}
    out["clock_hours"] = {**DEFAULT_CLOCK_HOURS, **(rules.get("clock_hours") or {})}
    if out.get("duplicate_window_days") is None:
        out["duplicate_window_days"] = DEFAULT_DUPLICATE_WINDOW_DAYS
    for column, field in AMOUNTS.items():
        out[field] = _major(rules.get(column), rules["currency"])
    return out


def programme_json(programme: Programme) -> dict[str, Any]:
    return {"slug": programme.slug, **api_rules(rules_of(programme)),
            "version": programme.version}


def minor_of(value: Any, currency: str, field: str) -> int | None:
    if value is None:
        return None
    exact = to_minor_exact(value, currency)
    if exact.is_nan() or exact != exact.to_integral_value():
        raise Invalid(f"{field} has more decimals than {currency} allows",
                      fields={field: f"more decimals than {currency} allows"})
    return int(exact)


def check_risk_weights(weights: dict[str, Any]) -> None:
    def bad(message: str) -> Invalid:
        return Invalid("the risk weights are not valid", fields={"risk_weights": message})

    unknown = sorted(set(weights) - set(DEFAULT_RISK_WEIGHTS))
    if unknown:
        raise bad("unknown entries: " + ", ".join(unknown[:5]))
    for key, value in weights.items():
        values = value.values() if isinstance(value, dict) else [value]
        if isinstance(DEFAULT_RISK_WEIGHTS[key], dict) != isinstance(value, dict):
            raise bad(f"{key} has the wrong shape")
        if any(isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1000
               for v in values):
            raise bad(f"{key}: weights are numbers from 0 to 1000")
    levels = {**DEFAULT_RISK_WEIGHTS["levels"], **weights.get("levels", {})}  # type: ignore[dict-item]
    if set(levels) != {"critical", "high", "medium"}:
        raise bad("levels are critical, high and medium")
    if not levels["critical"] > levels["high"] > levels["medium"] > 0:
        raise bad("level thresholds must fall: critical > high > medium > 0")


def check_rules(rules: dict[str, Any], *, panel_size: int | None,
                changed: set[str]) -> None:
    """The checks that need more than one field, or the panel (`panel_size` active reviewers;
    checked for the panel numbers being `changed`). Raises Invalid naming the field."""
    hours = rules["decision_hours"]
    if not hours["critical"] <= hours["high"] <= hours["medium"] <= hours["low"]:
        raise Invalid("decision hours must not shrink as the risk falls",
                      fields={"decision_hours": "critical <= high <= medium <= low"})
    if rules.get("risk_weights"):
        check_risk_weights(rules["risk_weights"])
    if panel_size is None or "grant" not in rules["kinds"]:
        return
    reviewers = f"the panel has {panel_size} active reviewer{'' if panel_size == 1 else 's'}"
    for field in ("quorum", "fast_track_approvals"):
        if field in changed and rules[field] > panel_size:
            raise Invalid(f"a {field.replace('_', ' ')} of {rules[field]} cannot be reached: "
                          f"{reviewers}", fields={field: reviewers})


def stored_rules(rules: dict[str, Any]) -> dict[str, Any]:
    """API-shaped rules -> column values (amounts in the currency's minor units)."""
    stored = {name: copy.deepcopy(rules[name]) for name in PLAIN}
    stored["clock_hours"] = {state: hours for state, hours in (rules["clock_hours"] or {}).items()
                             if DEFAULT_CLOCK_HOURS.get(state) != hours}  # only what differs
    for column, field in AMOUNTS.items():
        stored[column] = minor_of(rules.get(field), rules["currency"], field)
    return stored
