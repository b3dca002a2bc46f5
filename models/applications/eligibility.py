"""Triage: an application against its programme → eligible, ineligible or needs_info.

Hard problems (ineligible; the reason is shown to the applicant as a message): an amount
above the cap, costs the programme excludes, a currency it does not pay in.
Soft problems (needs_info; a question to the applicant): no endorser, a purpose that
mentions excluded costs, an open application of the same kind from the same defender.
A soft problem the applicant has answered is waived, and a caseworker sees the answer.
Duplicates: the case is flagged needs_info (not refused: a defender who lost her receipt
may simply ask again) with `duplicate_of` naming the open case by id only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from models.applications.sealed import major_units
from models.applications.tables import Application
from models.programmes.tables import Programme

# Words in a free-text purpose that suggest an excluded cost (EN/ES/FR/PT); a trailing
# "*" matches any ending, otherwise whole words (with an optional plural s).
EXCLUDED_KEYWORDS: dict[str, tuple[str, ...]] = {
    "salaries": ("salary", "salaries", "wage", "salario", "salaire", "salário"),
    "rent": ("rent", "alquiler", "loyer", "aluguel"),
    "armed_guards": ("armed guard", "weapon", "gun", "guardia armad*", "garde armé*"),
    "vehicles": ("car", "vehicle", "vehículo", "véhicule", "veículo", "motorbike"),
    "retrospective": ("already paid", "reimburse*", "reembols*", "rembours*"),
}


@dataclass
class Triage:
    outcome: str  # eligible | ineligible | needs_info
    reason: str | None = None  # the first problem's code
    params: dict[str, Any] = field(default_factory=dict)
    soft: list[str] = field(default_factory=list)  # every open needs_info code


def check(*, application: Application, programme: Programme, details: dict[str, Any],
          duplicate_of: str | None, waived: set[str]) -> Triage:
    hard = _hard_problems(application, programme, details)
    if hard:
        code, params = hard[0]
        return Triage("ineligible", code, params)
    soft = [c for c in _soft_problems(application, programme, details, duplicate_of)
            if c not in waived]
    if soft:
        return Triage("needs_info", soft[0], {}, soft)
    return Triage("eligible")


def _hard_problems(application: Application, programme: Programme,
                   details: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    if application.kind != "grant":
        return []
    problems: list[tuple[str, dict[str, Any]]] = []
    if application.currency and application.currency != programme.currency:
        problems.append(("currency_not_supported", {"currency": programme.currency}))
    elif (application.amount_minor or 0) > programme.cap_minor:
        cap = major_units(programme.cap_minor, programme.currency)
        problems.append(("amount_over_cap", {"cap": f"{cap:,.0f}", "currency": programme.currency}))
    excluded = sorted(set(_cost_types(details)) & set(programme.excluded_costs or []))
    if excluded:
        problems.append(("excluded_costs", {"costs": excluded}))
    return problems


def _soft_problems(application: Application, programme: Programme, details: dict[str, Any],
                   duplicate_of: str | None) -> list[str]:
    problems = []
    if duplicate_of:
        problems.append("duplicate_open_application")
    if not application.endorser_present:
        problems.append("endorser_missing")
    if application.kind == "grant" and purpose_mentions_excluded(details, programme):
        problems.append("purpose_unclear")
    return problems


def _cost_types(details: dict[str, Any]) -> list[str]:
    request = details.get("request") or {}
    return [str(c).strip().lower() for c in request.get("cost_types") or []]


def purpose_mentions_excluded(details: dict[str, Any], programme: Programme) -> bool:
    purpose = str((details.get("request") or {}).get("purpose") or "").casefold()
    for cost in programme.excluded_costs or []:
        for word in EXCLUDED_KEYWORDS.get(cost, (cost.replace("_", " "),)):
            stem = re.escape(word.casefold().rstrip("*"))
            tail = r"\w*" if word.endswith("*") else r"s?\b"
            if re.search(r"\b" + stem + tail, purpose):
                return True
    return False
