"""Visa checklists as data the admin edits, with versions (issue 14, point 3).

A destination's newest stored version (VisaChecklistVersion) is its checklist for new cases;
a destination with none follows the code lists of models/visas/checklists.py, unchanged.
A case keeps the checklist it was opened with: its `checklist_code` names the code list
("CH") or the stored version ("CH@2"), and its items were copied when it was opened.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.core import audit
from models.core.base import as_utc
from models.core.errors import Conflict, Invalid, NotFound
from models.programmes.schemas import countries
from models.visas.checklists import CHECKLISTS, ITEMS, ItemSpec
from models.visas.checklist_tables import VisaChecklistVersion

DEFAULT = "DEFAULT"
WHO = ("all", "defender", "family")
CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
MAX_ITEMS = 40


@dataclass(frozen=True)
class Resolved:
    """A destination's checklist as a case follows it."""
    code: str  # what a case stores: "CH" (the code list) or "CH@2" (stored version 2)
    country: str
    number: int  # 0: the code list
    specs: tuple[ItemSpec, ...]
    in_person: bool = True
    notes: str = ""


def norm_country(country: str) -> str:
    """An ISO alpha-2 code (upper case) or DEFAULT; anything else is refused."""
    value = (country or "").strip().upper()
    if value == DEFAULT or value in countries():
        return value
    raise Invalid("Not a country code.", fields={"country": "a two-letter ISO country code"})


def _spec(item: dict[str, Any]) -> ItemSpec:
    return ItemSpec(item["code"], item["text"], required=bool(item.get("required", True)),
                    who=item.get("who", "all"), file=bool(item.get("file", True)))


def _code_list(country: str) -> Resolved:
    base = CHECKLISTS.get(country) or CHECKLISTS[DEFAULT]
    return Resolved(base.code, country, 0, tuple(ITEMS[c] for c in base.items),
                    base.in_person, base.notes)


def _from_row(row: VisaChecklistVersion) -> Resolved:
    base = CHECKLISTS.get(row.country) or CHECKLISTS[DEFAULT]
    return Resolved(f"{row.country}@{row.number}", row.country, row.number,
                    tuple(_spec(i) for i in row.items), base.in_person, base.notes)


def latest(session: Session, country: str) -> VisaChecklistVersion | None:
    return session.exec(select(VisaChecklistVersion)
                        .where(VisaChecklistVersion.country == country)
                        .order_by(col(VisaChecklistVersion.number).desc())).first()


def versions(session: Session, country: str) -> list[VisaChecklistVersion]:
    return list(session.exec(select(VisaChecklistVersion)
                             .where(VisaChecklistVersion.country == country)
                             .order_by(col(VisaChecklistVersion.number).desc())))


def resolve(session: Session, country: str) -> Resolved:
    """The checklist a new case for this destination follows."""
    country = (country or "").upper()
    row = latest(session, country)
    if row is None and country not in CHECKLISTS:
        row = latest(session, DEFAULT)
    if row is not None:
        return _from_row(row)
    return _code_list(country if country in CHECKLISTS else DEFAULT)


def of_case(session: Session, checklist_code: str, country: str) -> Resolved:
    """The checklist a case was opened with (its stored version, or the code list)."""
    if "@" in (checklist_code or ""):
        where, _, number = checklist_code.partition("@")
        row = session.exec(select(VisaChecklistVersion).where(
            VisaChecklistVersion.country == where,
            VisaChecklistVersion.number == int(number))).first() if number.isdigit() else None
        if row is not None:
            return _from_row(row)
    if checklist_code in CHECKLISTS:
        return _code_list(checklist_code)
    return _code_list(country.upper() if country.upper() in CHECKLISTS else DEFAULT)


def items_for(checklist: Resolved, *, member: int) -> list[ItemSpec]:
    """Member 0 is the defender; family members need their own papers and proof of kinship."""
    wanted = ("all", "defender") if member == 0 else ("all", "family")
    return [spec for spec in checklist.specs if spec.who in wanted]


def clean_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validated items in order, or Invalid naming each wrong field as items.<row>.<field>."""
    fields: dict[str, str] = {}
    seen: set[str] = set()
    cleaned = []
    for row, item in enumerate(items):
        code = str(item.get("code") or "").strip().lower()
        text = " ".join(str(item.get("text") or "").split())
        who = str(item.get("who") or "all")
        if not CODE.match(code):
            fields[f"items.{row}.code"] = "letters, digits and _ (2 to 32), starting with a letter"
        elif code in seen:
            fields[f"items.{row}.code"] = "used twice"
        if not text or len(text) > 300:
            fields[f"items.{row}.text"] = "a label of 1 to 300 characters"
        if who not in WHO:
            fields[f"items.{row}.who"] = "all, defender or family"
        seen.add(code)
        cleaned.append({"code": code, "text": text, "required": bool(item.get("required")),
                        "who": who, "file": bool(item.get("file"))})
    if not cleaned:
        fields["items"] = "at least one item"
    elif len(cleaned) > MAX_ITEMS:
        fields["items"] = f"at most {MAX_ITEMS} items"
    if fields:
        raise Invalid("The checklist is not valid.", fields=fields)
    return cleaned


def save_version(session: Session, *, country: str, items: list[dict[str, Any]], reason: str,
                 actor_id: str) -> VisaChecklistVersion:
    """A new version of a destination's checklist; new cases follow it, open cases keep theirs."""
    country = norm_country(country)
    reason = " ".join((reason or "").split())
    problems: dict[str, str] = {}
    try:
        cleaned = clean_items(items)
    except Invalid as exc:
        problems, cleaned = dict(exc.fields), []
    if not reason or len(reason) > 500:
        problems["reason"] = "why this change (1 to 500 characters)"
    if problems:
        raise Invalid("The checklist is not valid.", fields=problems)
    before = latest(session, country)
    row = VisaChecklistVersion(country=country, number=(before.number if before else 0) + 1,
                               items=cleaned, actor_id=actor_id, reason=reason)
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("Someone saved this checklist at the same time: reload it.",
                       code="version_taken") from exc
    audit.record(session, actor=actor_id, action="visa.checklist_changed",
                 entity="visa_checklist", entity_id=country,
                 data={"number": row.number, "items": [i["code"] for i in cleaned]})
    return row


def destinations(session: Session) -> list[dict[str, Any]]:
    """Every destination with a list (in code or stored), with its current version."""
    stored = set(session.exec(select(VisaChecklistVersion.country).distinct()))
    return [checklist_json(session, c, with_versions=False)
            for c in sorted(set(CHECKLISTS) | stored, key=lambda c: (c != DEFAULT, c))]


def checklist_json(session: Session, country: str, *,
                   with_versions: bool = True) -> dict[str, Any]:
    country = norm_country(country)
    current = resolve(session, country)
    answer: dict[str, Any] = {
        "country": country, "version": current.number, "from_code": current.number == 0,
        "follows": current.country if current.number else
        (country if country in CHECKLISTS else DEFAULT),
        "items": [spec_json(s) for s in current.specs]}
    if with_versions:
        answer["versions"] = [version_json(v) for v in versions(session, country)]
    return answer


def spec_json(spec: ItemSpec) -> dict[str, Any]:
    return {"code": spec.code, "text": spec.text, "required": spec.required, "who": spec.who,
            "file": spec.file}


def version_json(row: VisaChecklistVersion) -> dict[str, Any]:
    return {"number": row.number, "items": row.items, "actor_id": row.actor_id,
            "reason": row.reason, "created_at": as_utc(row.created_at).isoformat()}


def known(session: Session, country: str) -> None:
    """NotFound unless the destination has a list of its own (code or stored)."""
    if country not in CHECKLISTS and latest(session, country) is None:
        raise NotFound("no checklist for this destination")


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=64)
    text: str = Field(max_length=600)
    required: bool = True
    who: str = Field(default="all", max_length=16)
    file: bool = True


class ChecklistIn(BaseModel):
    """`PUT /api/v1/visa-checklists/{country}`: the whole list, in order, and why."""
    model_config = ConfigDict(extra="forbid")
    items: list[ItemIn] = Field(max_length=MAX_ITEMS * 2)
    reason: str = Field(max_length=1000)
