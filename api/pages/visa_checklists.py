"""The admin's visa checklist pages (issue 14, point 3): /staff/visa-checklists (every
destination with its current version; add one by its ISO code) and
/staff/visa-checklists/{country} (one item per row: code, label, who, required, needs a
file, position, remove; empty rows to add; a reason). Each save is a new version through the
same service as `PUT /api/v1/visa-checklists/{country}`; new cases follow it."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.pages import csrf
from api.pages.session import PageUser, deny_unless, staff_language, staff_page
from api.posted import PostedForm
from forms.web.common import countries
from models.core.errors import Conflict, Invalid
from models.people.tables import StaffUser
from models.visas import checklist_data as data

router = APIRouter(include_in_schema=False)
BASE = "/staff/visa-checklists"
EMPTY_ROWS = 3
MAX_ROWS = data.MAX_ITEMS + EMPTY_ROWS


def _names(request: Request, user: StaffUser) -> dict[str, str]:
    return dict(countries(staff_language(request, user)))


@router.get(BASE, response_class=HTMLResponse)
def checklists(request: Request, session: SessionDep, user: PageUser) -> Response:
    denied = deny_unless(request, user, "admin")
    if denied:
        return denied
    typed = str(request.query_params.get("country") or "")[:16].strip()
    problem = ""
    if typed:
        try:
            return RedirectResponse(f"{BASE}/{data.norm_country(typed)}", status_code=303)
        except Invalid:
            problem = "country"
    return staff_page(request, "staff/visa_checklists/list.html", {
        "destinations": data.destinations(session), "names": _names(request, user),
        "typed": typed, "problem": problem}, user=user, status_code=422 if problem else 200)


def _rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [{**item, "order": str(n + 1), "remove": False} for n, item in enumerate(items)]
    return rows + [{"code": "", "text": "", "required": True, "who": "all", "file": True,
                    "order": "", "remove": False} for _ in range(EMPTY_ROWS)]


def _edit_page(request: Request, session: SessionDep, user: StaffUser, country: str, *,
               rows: list[dict[str, Any]] | None = None, reason: str = "",
               problems: dict[str, str] | None = None, status_code: int = 200) -> Response:
    current = data.checklist_json(session, country)
    return staff_page(request, "staff/visa_checklists/edit.html", {
        "checklist": current, "name": _names(request, user).get(country, ""),
        "rows": rows if rows is not None else _rows(current["items"]), "reason": reason,
        "problems": problems or {}, "who": data.WHO,
        "saved": request.query_params.get("done") == "saved"},
        user=user, status_code=status_code)


@router.get(BASE + "/{country}", response_class=HTMLResponse)
def checklist(request: Request, country: str, session: SessionDep, user: PageUser) -> Response:
    denied = deny_unless(request, user, "admin")
    if denied:
        return denied
    try:
        code = data.norm_country(country[:16])
    except Invalid:
        return staff_page(request, "staff/missing.html", {"problem": "page"}, user=user,
                          status_code=404)
    if code != country:
        return RedirectResponse(f"{BASE}/{code}", status_code=303)
    return _edit_page(request, session, user, code)


def posted_rows(form: Any) -> list[dict[str, Any]]:
    """The rows as she typed them (kept on an error), at most MAX_ROWS."""
    count = min(int(form.get("rows") or 0) if str(form.get("rows") or "").isdigit() else 0,
                MAX_ROWS)
    return [{"code": str(form.get(f"code_{n}") or "")[:64].strip(),
             "text": str(form.get(f"text_{n}") or "")[:600].strip(),
             "who": str(form.get(f"who_{n}") or "all")[:16],
             "required": bool(form.get(f"required_{n}")), "file": bool(form.get(f"file_{n}")),
             "order": str(form.get(f"order_{n}") or "")[:6].strip(),
             "remove": bool(form.get(f"remove_{n}"))} for n in range(count)]


def wanted(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
    """The items to save in their new order, and each one's row (to name errors)."""
    kept = [(n, row) for n, row in enumerate(rows)
            if not row["remove"] and (row["code"] or row["text"])]

    def position(pair: tuple[int, dict[str, Any]]) -> tuple[float, int]:
        order = pair[1]["order"]
        return (float(order) if order.isdigit() else float(len(rows) + pair[0]), pair[0])

    kept.sort(key=position)
    return [row for _, row in kept], [n for n, _ in kept]


def _row_problems(fields: dict[str, str], where: list[int]) -> dict[str, str]:
    problems = {}
    for key, message in fields.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "items" and parts[1].isdigit():
            problems[f"{parts[2]}_{where[int(parts[1])]}"] = message
        else:
            problems[key] = message
    return problems


@router.post(BASE + "/{country}", response_class=HTMLResponse)
def save_checklist(request: Request, country: str, body: PostedForm, session: SessionDep,
                   user: PageUser) -> Response:
    denied = deny_unless(request, user, "admin")
    if denied:
        return denied
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    try:
        code = data.norm_country(country[:16])
    except Invalid:
        return staff_page(request, "staff/missing.html", {"problem": "page"}, user=user,
                          status_code=404)
    rows, reason = posted_rows(form), str(form.get("reason") or "")[:1000].strip()
    items, where = wanted(rows)
    try:
        data.save_version(session, country=code, items=items, reason=reason, actor_id=user.id)
        session.commit()
    except (Invalid, Conflict) as exc:
        session.rollback()
        return _edit_page(request, session, user, code, rows=rows, reason=reason,
                          problems=_row_problems(exc.fields, where) or {"form": exc.message},
                          status_code=422)
    return RedirectResponse(f"{BASE}/{code}?done=saved", status_code=303)
