"""Matching a shelter case to houses: hard constraints first, then soft preferences.

Pure functions (no database): the service feeds them the houses and the fewest free beds
per house over the stay; property tests and the benchmark call them directly.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
import re
from dataclasses import dataclass, field
from datetime import date

# Soft preference weights: a case's language counts more than being near.
LANGUAGE_WEIGHT = 20
SAME_COUNTRY_WEIGHT = 10
SPARE_BED_PENALTY = 1  # best fit: keep big houses for big families
WANTED_WEIGHT = 30  # a feature her own words ask for (e.g. a wheelchair: step-free access)

# Words in her needs text that suggest a feature she did not tick (the web form asks in
# words only). A suggestion ranks houses, never refuses one: the coordinator reads the text.
# Whole words; a trailing * is a prefix (psycholog* = psychologist, psychological...).
SUGGESTS = {
    "step_free": ("wheelchair", "wheel chair", "ground floor", "step-free", "step free",
                  "no stairs", "stairs", "lift", "elevator", "mobility", "crutches",
                  "silla de ruedas", "planta baja", "ascensor", "fauteuil roulant",
                  "rez-de-chaussée", "ascenseur", "cadeira de rodas", "térreo", "elevador",
                  "كرسي متحرك", "الطابق الأرضي", "kiti cha magurudumu", "ngazi"),
    "lgbtiq_safe": ("lgbt*", "queer", "trans", "transgender", "gay", "lesbian", "bisexual"),
    "medical_care": ("dialysis", "insulin", "medical care", "chemotherapy", "nurse"),
    "psychosocial_support": ("trauma", "psycholog*", "counsel*", "psicolog*"),
    "pets": ("my dog", "my cat", "pet", "pets", "mascota", "chien"),
}


@dataclass(frozen=True)
class House:
    id: str
    name: str
    country: str
    region: str
    beds: int
    max_nights: int
    features: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Need:
    people: int
    from_date: date
    nights: int
    children: int = 0
    features: frozenset[str] = frozenset()  # access needs and the like: all required
    avoid_region: str | None = None  # the threat's region, when the case asks to avoid it
    language: str = "en"
    country: str | None = None  # the defender's country (regional relocation preferred)
    wanted: frozenset[str] = frozenset()  # suggested by her words: preferred, not required


@dataclass
class Match:
    shelter_id: str
    name: str
    score: int
    min_free: int
    reasons: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refusals


def same_place(a: str | None, b: str | None) -> bool:
    return bool(a and b) and " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def hard_refusals(house: House, need: Need, min_free: int) -> list[str]:
    """Why a house cannot take this case (empty when it can)."""
    out = []
    if min_free < need.people:
        out.append(f"not enough beds on some night ({min_free} free, {need.people} needed)")
    if need.nights > house.max_nights:
        out.append(f"stay of {need.nights} nights exceeds the maximum of {house.max_nights}")
    if need.children and "children" not in house.features:
        out.append("does not accept children")
    missing = sorted(need.features - house.features - {"children"})
    if missing:
        out.append("lacks " + ", ".join(missing))
    if need.avoid_region and (same_place(need.avoid_region, house.region)
                              or same_place(need.avoid_region, house.country)):
        out.append("in the region of the threat")
    return out


def evaluate(house: House, need: Need, min_free: int) -> Match:
    match = Match(shelter_id=house.id, name=house.name, score=0, min_free=min_free,
                  refusals=hard_refusals(house, need, min_free))
    if not match.ok:
        return match
    match.reasons.append(f"{min_free} beds free every night for {need.people}")
    if need.children:
        match.reasons.append("accepts children")
    if need.features - {"children"}:
        match.reasons.append("has " + ", ".join(sorted(need.features - {"children"})))
    for feature in sorted(need.wanted - need.features):
        if feature in house.features:
            match.score += WANTED_WEIGHT
            match.reasons.append(f"has {feature} (her needs text asks for it)")
    if need.language in house.languages:
        match.score += LANGUAGE_WEIGHT
        match.reasons.append(f"staff speak {need.language}")
    if need.country and house.country == need.country:
        match.score += SAME_COUNTRY_WEIGHT
        match.reasons.append("in the defender's own country (regional relocation preferred)")
    match.score -= SPARE_BED_PENALTY * (min_free - need.people)
    return match


def suggested_features(text: str | None) -> frozenset[str]:
    """Features her own words suggest (case-insensitive, any of the six languages)."""
    if not text:
        return frozenset()
    folded = re.sub(r"\s+", " ", text.casefold())
    return frozenset(f for f, words in SUGGESTS.items()
                     if any(re.search(_pattern(w), folded) for w in words))


def _pattern(word: str) -> str:
    if word.endswith("*"):
        return r"(?<!\w)" + re.escape(word[:-1])
    return r"(?<!\w)" + re.escape(word) + r"(?!\w)"


def rank(houses: Iterable[House], need: Need, free: Mapping[str, int], *,
         include_refused: bool = False) -> list[Match]:
    """Houses that meet every hard constraint, best first (score, then tightest fit)."""
    matches = [evaluate(h, need, free.get(h.id, 0)) for h in houses]
    ok = sorted((m for m in matches if m.ok), key=lambda m: (-m.score, m.min_free, m.name))
    if include_refused:
        return ok + sorted((m for m in matches if not m.ok), key=lambda m: m.name)
    return ok


def min_free_plain(beds: int, used_by_night: Mapping[date, int], nights: Sequence[date],
                   closed: frozenset[date] = frozenset()) -> int:
    """The plain-Python way (the benchmark's baseline): walk every night of the stay."""
    fewest = beds
    for night in nights:
        free = 0 if night in closed else beds - used_by_night.get(night, 0)
        fewest = min(fewest, free)
    return fewest
