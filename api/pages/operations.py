"""The admin's operations page, /staff/operations: keys (which encrypts, how many values are
still under older keys, "rotate now" with its progress), the flow runner (last sweep), the
outbox backlog by flow and priority, failed dispatches with their retry times, and a link to
Prefect's UI. Counts, ids and codes only: nothing personal is read here."""
from __future__ import annotations

import os

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.pages.session import PageUser, checked_form, deny_unless, staff_page
from api.posted import PostedForm
from models.core.base import utcnow
from models.core.errors import Conflict
from models.core.settings import get_settings
from models.operations import service as ops

router = APIRouter(include_in_schema=False)
PATH = "/staff/operations"


def _page(request: Request, session: SessionDep, user, *, problem: str | None = None,  # noqa: ANN001
          status_code: int = 200) -> HTMLResponse:
    now, settings = utcnow(), get_settings()
    rotation = ops.job_state(session, ops.ROTATION)
    sweep = ops.job_state(session, ops.SWEEP)
    interval = float(os.environ.get("AMPARO_SWEEP_SECONDS", "60"))  # the runner's own
    ui_port = settings.prefect_ui_port if settings.mode == "embedded" else None
    return staff_page(request, "staff/ops/operations.html", {
        "keys": ops.keys_state(session), "rotation": rotation,
        "rotation_busy": ops.rotation_busy(rotation, now),
        "sweep": sweep, "sweep_health": ops.sweep_health(sweep, now, interval),
        "backlog": ops.outbox_backlog(session), "failed": ops.failed_dispatches(session),
        "mode": settings.mode, "prefect_ui": f"http://127.0.0.1:{ui_port}" if ui_port else None,
        "done": request.query_params.get("done") == "rotation", "problem": problem,
        "now": now}, user=user, status_code=status_code)


@router.get(PATH, response_class=HTMLResponse)
def operations(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, "admin") or _page(request, session, user)


@router.post(f"{PATH}/rotate", response_class=HTMLResponse)
def rotate_now(request: Request, body: PostedForm, session: SessionDep,
               user: PageUser) -> Response:
    denied, _ = checked_form(request, body, user, "admin")
    if denied:
        return denied
    try:
        ops.request_rotation(session, actor_id=user.id)
        session.commit()
    except Conflict:
        session.rollback()
        return _page(request, session, user, problem="rotation_running", status_code=409)
    _wake_runner()
    return RedirectResponse(f"{PATH}?done=rotation", status_code=303)


def _wake_runner() -> None:
    """The flow runner takes the rotation at once instead of at its next poll."""
    try:
        from flows.dispatch import wake_dispatcher
        wake_dispatcher()
    except Exception:  # noqa: BLE001 - a missed wake only delays the rotation to the next poll
        pass
