"""/staff/programmes/{slug}/risk: the admin edits a programme's risk weights in a form and
sees, before saving, what they would have made of last month's cases ("critical 12, high
40…", counts only). Saving is a new version with a reason, through the same service and
checks as `PATCH /api/v1/programmes/{slug}`."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.pages.session import PageUser, checked_form, deny_unless, staff_page
from api.posted import PostedForm
from models.core.errors import Invalid
from models.people.tables import StaffUser
from models.programmes import repository
from models.programmes.preview import preview_levels
from models.programmes.schemas import ProgrammePatch
from models.programmes.service import change_programme
from models.programmes.tables import DEFAULT_RISK_WEIGHTS

router = APIRouter(include_in_schema=False)
TABLES = ("threat_type", "perpetrator")
SINGLES = ("imminent", "prior_attack_each", "prior_attacks_max", "dependant_each",
           "dependants_max")
LEVEL_KEYS = ("critical", "high", "medium")


def _merged(stored: dict[str, Any] | None) -> dict[str, Any]:
    weights = {**DEFAULT_RISK_WEIGHTS, **(stored or {})}
    for table in (*TABLES, "levels", "country"):
        weights[table] = {**DEFAULT_RISK_WEIGHTS.get(table, {}), **(stored or {}).get(table, {})}  # type: ignore[dict-item]
    return weights


def _values(weights: dict[str, Any]) -> dict[str, str]:
    values = {f"{t}.{k}": str(v) for t in TABLES for k, v in weights[t].items()}
    values.update({k: str(weights.get(k, "")) for k in SINGLES})
    values.update({f"levels.{k}": str(weights["levels"][k]) for k in LEVEL_KEYS})
    values["country"] = "\n".join(f"{c} {w}" for c, w in sorted(weights["country"].items()))
    values["reason"] = ""
    return values


def _number(text: str, name: str, problems: dict[str, str]) -> int | None:
    try:
        value = int(text.strip())
    except ValueError:
        problems[name] = "number"
        return None
    if not 0 <= value <= 1000:
        problems[name] = "range"
    return value


def _countries(text: str, problems: dict[str, str]) -> dict[str, int]:
    """One "CC weight" a line (e.g. "ZZ 15")."""
    found: dict[str, int] = {}
    for line in text.splitlines()[:300]:
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2 or len(parts[0]) != 2 or not parts[0].isalpha():
            problems["country"] = "line"
            continue
        weight = _number(parts[1], "country", problems)
        if weight is not None:
            found[parts[0].upper()] = weight
    return found


def parse_weights(form: Any, current: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any],
                                                                 dict[str, str]]:
    """(what was typed, the weights, problems by field)."""
    values = {name: str(form.get(name) or "")[:20].strip() for name in _values(current)
              if name not in ("country", "reason")}
    values["country"] = str(form.get("country") or "")[:6000]
    values["reason"] = str(form.get("reason") or "")[:500].strip()
    problems: dict[str, str] = {}
    weights: dict[str, Any] = {t: {} for t in (*TABLES, "levels")}
    for name, text in values.items():
        if name in ("country", "reason"):
            continue
        number = _number(text, name, problems)
        table, _, key = name.partition(".")
        if key:
            weights[table][key] = number
        else:
            weights[name] = number
    weights["country"] = _countries(values["country"], problems)
    levels = weights["levels"]
    if not problems and not levels["critical"] > levels["high"] > levels["medium"] > 0:
        problems["levels"] = "order"
    return values, weights, problems


def _page(request: Request, session: SessionDep, user: StaffUser, slug: str, *,
          values: dict[str, str] | None = None, weights: dict[str, Any] | None = None,
          problems: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    programme = repository.by_slug(session, slug)
    if programme is None:
        return staff_page(request, "staff/programmes/missing.html", user=user, status_code=404)
    current = _merged(programme.risk_weights)
    shown = weights if weights is not None and not problems else current
    return staff_page(request, "staff/programmes/risk.html", {
        "programme": programme, "values": values or _values(current),
        "problems": problems or {}, "tables": {t: list(current[t]) for t in TABLES},
        "singles": SINGLES, "level_keys": LEVEL_KEYS, "previewed": weights is not None,
        "preview": preview_levels(session, programme_id=programme.id, weights=shown),
        "saved": request.query_params.get("done") == "saved"},
        user=user, status_code=status_code)


@router.get("/staff/programmes/{slug}/risk", response_class=HTMLResponse)
def risk_weights(request: Request, slug: str, session: SessionDep,
                 user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, "admin") or _page(request, session, user, slug[:64])


@router.post("/staff/programmes/{slug}/risk", response_class=HTMLResponse)
def preview_or_save(request: Request, slug: str, body: PostedForm, session: SessionDep,
                    user: PageUser) -> Response:
    denied, form = checked_form(request, body, user, "admin")
    if denied:
        return denied
    slug = slug[:64]
    programme = repository.by_slug(session, slug)
    if programme is None:
        return _page(request, session, user, slug)
    values, weights, problems = parse_weights(form, _merged(programme.risk_weights))
    if form.get("action") != "save" or problems:
        return _page(request, session, user, slug, values=values, weights=weights,
                     problems=problems, status_code=422 if problems else 200)
    if not values["reason"]:
        return _page(request, session, user, slug, values=values, weights=weights,
                     problems={"reason": "required"}, status_code=422)
    try:
        change_programme(session, slug=slug, actor_id=user.id, data=ProgrammePatch(
            risk_weights=weights, reason=values["reason"]))
        session.commit()
    except Invalid as exc:
        session.rollback()
        return _page(request, session, user, slug, values=values, weights=weights,
                     problems={"form": "invalid"},
                     status_code=422)
    return RedirectResponse(f"/staff/programmes/{slug}/risk?done=saved", status_code=303)
