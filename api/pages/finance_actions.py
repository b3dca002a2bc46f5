"""One disbursement for finance staff: its facts, approvals and ledger, and the forms that
act on it (set up, approve, hold, clear, send, confirm, cancel, fail, return, proof upload).
Every POST checks CSRF; a refused action shows the page again with the reason, nothing changed.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import select

from api.deps import SessionDep
from api.pages import csrf
from api.pages.finance_view import helpers
from api.pages.session import PageUser, deny_unless, staff_page
from api.posted import CappedUpload, Posted, PostedForm
from api.upload import file_bytes
from models.core.errors import AmparoError, Invalid
from models.money import outcomes, proofs, repository, service
from models.money.service import HOLD_REASONS
from models.money.batches_payees import destination_for_finance
from models.money.tables import LedgerEntry
from models.money.workflow import DISBURSEMENT, RAILS
from models.people.tables import StaffUser

router = APIRouter(include_in_schema=False)
BASE = "/staff/finance/disbursements"
DONE = {"approved": "Your approval is recorded.", "set_up": "Rail and destination saved.",
        "hold": "Compliance hold placed.", "cleared": "Hold cleared.", "sent": "Marked as sent.",
        "confirmed": "Confirmed.", "cancelled": "Cancelled.", "failed": "Recorded as failed.",
        "returned": "Recorded as returned.", "proof": "Proof of payment attached."}


def _detail(request: Request, session: SessionDep, user: StaffUser, disbursement_id: str, *,
            error: str | None = None, status_code: int = 200) -> HTMLResponse:
    d = repository.get(session, disbursement_id)
    approvals = repository.approvals(session, d.id)
    names = {u.id: u.email for u in session.exec(select(StaffUser).where(
        StaffUser.id.in_([a.user_id for a in approvals] + [d.prepared_by or ""]))).all()}  # type: ignore[attr-defined]
    legs = session.exec(select(LedgerEntry).where(LedgerEntry.disbursement_id == d.id)
                        .order_by(LedgerEntry.created_at)).all()
    attempts = repository.of_application(session, d.application_id)
    return staff_page(request, "staff/finance/disbursement.html", {
        "d": d, "approvals": approvals, "names": names, "legs": legs, "attempts": attempts,
        "proofs": proofs.proofs_of(session, d.id), "rails": RAILS, "hold_reasons": HOLD_REASONS,
        "targets": DISBURSEMENT.targets(d.status, "finance"), **helpers(request),
        "destination": destination_for_finance(session, d),
        "on_hold": service.on_hold(d), "flash": DONE.get(request.query_params.get("done", "")),
        "error": error, "mine": d.status == "draft" and any(a.user_id == user.id for a in approvals),
    }, user=user, status_code=status_code)


@router.get(BASE + "/{disbursement_id}", response_class=HTMLResponse)
def disbursement_page(disbursement_id: str, request: Request, session: SessionDep,
                      user: PageUser) -> HTMLResponse:
    return deny_unless(request, user, "finance") or _detail(request, session, user,
                                                            disbursement_id)


def _act(request: Request, session: SessionDep, user: StaffUser, disbursement_id: str,
         body: Posted, done: str, action: Callable[[dict[str, Any]], Any]) -> Response:
    denied = deny_unless(request, user, "finance")
    if denied:
        return denied
    form = body.form()
    csrf.require(request, form.get(csrf.FIELD))
    try:
        action({k: (str(v).strip() if isinstance(v, str) else v) for k, v in form.items()})
        session.commit()
    except AmparoError as exc:
        session.rollback()
        return _detail(request, session, user, disbursement_id, error=exc.message,
                       status_code=exc.http_status)
    if done in ("approved", "cleared"):  # a Stripe send may be queued: start it now
        from flows.dispatch import wake_dispatcher
        wake_dispatcher()
    return RedirectResponse(f"{BASE}/{disbursement_id}?done={done}", status_code=303)


def _who(user: StaffUser, disbursement_id: str) -> dict[str, str]:
    return {"disbursement_id": disbursement_id, "user_id": user.id, "role": user.role}


@router.post(BASE + "/{disbursement_id}/approve")
def approve(disbursement_id: str, request: Request, body: PostedForm,
            session: SessionDep, user: PageUser) -> Response:
    return _act(request, session, user, disbursement_id, body, "approved", lambda f: service.approve(
        session=session, **_who(user, disbursement_id), rail=f.get("rail") or None,
        destination=f.get("destination") or None))


@router.post(BASE + "/{disbursement_id}/setup")
def set_up(disbursement_id: str, request: Request, body: PostedForm,
           session: SessionDep, user: PageUser) -> Response:
    return _act(request, session, user, disbursement_id, body, "set_up", lambda f: service.set_up(
        session=session, **_who(user, disbursement_id), rail=f.get("rail") or "",
        destination=f.get("destination") or None))


@router.post(BASE + "/{disbursement_id}/hold")
def hold(disbursement_id: str, request: Request, body: PostedForm,
         session: SessionDep, user: PageUser) -> Response:
    return _act(request, session, user, disbursement_id, body, "hold", lambda f: service.place_hold(
        session=session, **_who(user, disbursement_id), reason=f.get("reason") or ""))


@router.post(BASE + "/{disbursement_id}/clear")
def clear(disbursement_id: str, request: Request, body: PostedForm,
          session: SessionDep, user: PageUser) -> Response:
    return _act(request, session, user, disbursement_id, body, "cleared", lambda f: service.clear_hold(
        session=session, **_who(user, disbursement_id)))


@router.post(BASE + "/{disbursement_id}/send")
def send(disbursement_id: str, request: Request, body: PostedForm,
         session: SessionDep, user: PageUser) -> Response:
    return _act(request, session, user, disbursement_id, body, "sent", lambda f: outcomes.send_manual(
        session=session, **_who(user, disbursement_id), reference=f.get("reference")))


@router.post(BASE + "/{disbursement_id}/confirm")
def confirm(disbursement_id: str, request: Request, body: PostedForm,
            session: SessionDep, user: PageUser) -> Response:
    return _act(request, session, user, disbursement_id, body, "confirmed",
                lambda f: outcomes.confirm_manual(session=session,
                                                  **_who(user, disbursement_id),
                                                  reference=f.get("reference")))


@router.post(BASE + "/{disbursement_id}/end")
def end(disbursement_id: str, request: Request, body: PostedForm,
        session: SessionDep, user: PageUser) -> Response:
    def _end(f: dict[str, Any]) -> Any:
        target = f.get("target") or ""
        if target not in ("cancelled", "failed", "returned"):
            raise Invalid("choose cancel, failed or returned")
        return outcomes.finance_end(session=session, **_who(user, disbursement_id),
                                    target=target, reopen=f.get("reopen") != "no")
    form = body.form()
    return _act(request, session, user, disbursement_id, body,
                str(form.get("target") or "cancelled"), _end)


@router.post(BASE + "/{disbursement_id}/proof")
def proof(disbursement_id: str, request: Request, body: CappedUpload, session: SessionDep,
          user: PageUser) -> Response:
    form = body.form()
    content = file_bytes(form)
    upload: Any = form.get("file")

    def _attach(_f: dict[str, Any]) -> Any:
        if not content:
            raise Invalid("choose a file", fields={"file": "required"})
        return proofs.attach_proof(session=session, **_who(user, disbursement_id),
                                   filename=getattr(upload, "filename", None), content=content)
    return _act(request, session, user, disbursement_id, body, "proof", _attach)
