"""What the coordinator reads on a case page: her needs in her own words, how to reach her
(coordinators only: the page checks the role, nothing here is logged), each house's fit in
words (no raw scores), and a house's nights as a calendar grid.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from models.applications import sealed
from models.applications.tables import Applicant, Application
from models.shelter.matching import Match, Need, same_place

# (msgid, parameters): the template translates the msgid, then fills the parameters.
Line = tuple[str, dict[str, Any]]

FEATURE_WORDS = {"children": "children", "step_free": "step-free access",
                 "lgbtiq_safe": "LGBTIQ+-safe", "women_only": "women only",
                 "pets": "pets allowed", "medical_care": "medical care on site",
                 "psychosocial_support": "psychosocial support"}
STATUS_WORDS = {"matching": "looking for a house", "held": "beds held",
                "checked_in": "checked in", "checked_out": "checked out",
                "follow_up": "follow-up", "risk_assessed": "risk assessed"}
FIT = {"best": "Best fit", "good": "Good fit", "fits": "Fits", "no": "Cannot take this case"}


def case_details(session: Session, application: Application) -> dict[str, Any]:
    """Her needs as she wrote them and her contact details, decrypted for this page only."""
    applicant = session.get(Applicant, application.applicant_id)
    dek = sealed.data_key(applicant) if applicant else None
    details = sealed.open_details(application, dek)
    request = details.get("request", details) or {}
    person = sealed.open_applicant(applicant, dek) if applicant else {}
    return {"needs_text": request.get("needs"), "name": person.get("name"),
            "email": person.get("email"), "phone": person.get("phone"),
            "pronouns": person.get("pronouns"), "language": application.language,
            "country": applicant.country if applicant else None}


def _feature_lines(house_features: frozenset[str], need: Need) -> list[tuple[bool, Line]]:
    lines: list[tuple[bool, Line]] = []
    for feature in sorted(need.features - {"children"}):
        ok = feature in house_features
        lines.append((ok, ("Has %(feature)s", {"feature": FEATURE_WORDS.get(feature, feature)})
                      if ok else ("No %(feature)s", {"feature": FEATURE_WORDS.get(feature,
                                                                                  feature)})))
    if "step_free" in need.wanted - need.features:
        lines.append(("step_free" in house_features,
                      ("Step-free access: her needs mention a wheelchair, stairs or a ground "
                       "floor", {}) if "step_free" in house_features else
                      ("No step-free access, though her needs mention a wheelchair, stairs or "
                       "a ground floor", {})))
    for feature in sorted(need.wanted - need.features - {"step_free"}):
        ok = feature in house_features
        lines.append((ok, ("Has %(feature)s, which her needs mention" if ok else
                           "No %(feature)s, though her needs mention it",
                           {"feature": FEATURE_WORDS.get(feature, feature)})))
    return lines


def _why(match: Match, house: Any, need: Need) -> list[tuple[bool, Line]]:
    """Each line: (good or not, (msgid, parameters))."""
    features = frozenset(house.features)
    free = match.min_free
    lines: list[tuple[bool, Line]] = [(free >= need.people, (
        "%(free)s beds free every night; %(people)s needed",
        {"free": free, "people": need.people}))]
    if need.nights > house.max_nights:
        lines.append((False, ("Stays of at most %(max)s nights; she needs %(nights)s",
                              {"max": house.max_nights, "nights": need.nights})))
    if need.children:
        lines.append(("children" in features, ("Takes children", {}) if "children" in features
                      else ("Does not take children", {})))
    lines += _feature_lines(features, need)
    if need.avoid_region and (same_place(need.avoid_region, house.region)
                              or same_place(need.avoid_region, house.country)):
        lines.append((False, ("In the region she must stay away from", {})))
    if need.language in house.languages:
        lines.append((True, ("Someone there speaks her language", {})))
    else:
        lines.append((False, ("No one there speaks her language", {})))
    if need.country and house.country == need.country:
        lines.append((True, ("In her own country (staying in the region is preferred)", {})))
    if match.ok and free > need.people:
        lines.append((True, ("%(spare)s beds to spare", {"spare": free - need.people})))
    return lines


def readable(ranked: list[Match], houses: dict[str, Any], need: Need) -> list[dict[str, Any]]:
    """The ranked houses with a fit in words and the reasons as lines, best first."""
    best = next((m.score for m in ranked if m.ok), None)
    out = []
    for index, match in enumerate(ranked):
        if not match.ok:
            fit = "no"
        elif index == 0:
            fit = "best"
        else:
            fit = "good" if best is not None and match.score >= best - 5 else "fits"
        house = houses.get(match.shelter_id)
        out.append({"shelter_id": match.shelter_id, "name": match.name, "ok": match.ok,
                    "fit": FIT[fit], "fit_code": fit, "min_free": match.min_free,
                    "lines": _why(match, house, need) if house else []})
    return out


def calendar_weeks(nights: list[dict[str, Any]]) -> list[list[dict[str, Any] | None]]:
    """The nights as weeks of seven days, Monday first (empty cells before and after)."""
    if not nights:
        return []
    first = date.fromisoformat(nights[0]["night"])
    cells: list[dict[str, Any] | None] = [None] * first.weekday()
    for n in nights:
        day = date.fromisoformat(n["night"])
        state = "closed" if n["closed"] else ("full" if n["free"] <= 0 else
                                               ("some" if n["used"] else "free"))
        cells.append({**n, "day": day, "state": state,
                      "new_month": day.day == 1 or day == first})
    cells += [None] * (-len(cells) % 7)
    return [cells[i:i + 7] for i in range(0, len(cells), 7)]

