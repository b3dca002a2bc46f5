"""Routes of the money area: disbursements for finance staff (CONTRACT.md plus additions).

Additions to CONTRACT.md (documented in the OpenAPI schema): `GET /disbursements/{id}`,
`POST /disbursements/{id}/setup`, `/send`, `/hold`, `/hold/clear`, `/cancel`, `/fail`,
`/return`, `GET /money/balances`, `PUT /money/budgets`, `GET|POST /money/reconciliation`.
"""
from __future__ import annotations

from typing import Annotated, Any, Callable

from fastapi import APIRouter, Depends, Query
from fastapi.encoders import jsonable_encoder
from sqlmodel import select

from api.auth import require_roles
from api.deps import SessionDep
from models.core.errors import NotFound
from models.money import ledger, outcomes, payout, reconcile, repository, service
from models.money.schemas import (
    ApproveIn, BudgetIn, DisbursementOut, EndIn, HoldIn, ReferenceIn, SetUpIn, major, minor,
)
from models.money.workflow import CANCELLED, FAILED, RETURNED
from models.people.tables import StaffUser
from models.programmes.tables import Programme

router = APIRouter(tags=["money"])
Finance = Annotated[StaffUser, Depends(require_roles("finance"))]


def _out(session: Any, d: Any, *, whole: bool = True) -> dict:
    """Finance only (every route here): the destination whole on one disbursement, her
    payout details, an open change side by side (masked) and other applicants sharing the
    destination; lists carry the masked destination only (issue 17)."""
    out = DisbursementOut.of(d, len(repository.approvals(session, d.id))).model_dump(mode="json")
    found = payout.destination_for_finance(session, d)
    out["destination_masked"] = found["masked"] or None
    out["payout_duplicates"] = len(found["duplicates"])
    out["payout_changed"] = found["change"] is not None
    if whole:
        out["destination"] = found["destination"]
        out["payout"] = jsonable_encoder({k: found[k] for k in (
            "fields", "stored", "duplicates", "change")})
    return out


def _act(session: Any, fn: Callable[..., Any], **kwargs: Any) -> dict:
    d = fn(session=session, **kwargs)
    session.commit()
    return _out(session, d)


@router.get("/disbursements", summary="Disbursements (finance), filtered by status and rail")
def list_disbursements(session: SessionDep, user: Finance,
                       status: str | None = Query(default=None, max_length=16),
                       rail: str | None = Query(default=None, max_length=32),
                       currency: str | None = Query(default=None, max_length=3),
                       programme_id: str | None = Query(default=None, max_length=32)
                       ) -> list[dict]:
    rows = repository.listing(session, status=status or None, rail=rail or None,
                              currency=(currency or "").upper() or None,
                              programme_id=programme_id or None)
    return [_out(session, d, whole=False) for d in rows]


@router.get("/disbursements/{disbursement_id}", summary="One disbursement (addition)")
def get_disbursement(disbursement_id: str, session: SessionDep, user: Finance) -> dict:
    return _out(session, repository.get(session, disbursement_id))


@router.post("/disbursements/{disbursement_id}/approve",
             summary="Approve; a second finance user approves where the programme needs two")
def approve(disbursement_id: str, body: ApproveIn, session: SessionDep, user: Finance) -> dict:
    out = _act(session, service.approve, disbursement_id=disbursement_id, user_id=user.id,
               role=user.role, rail=body.rail, destination=body.destination)
    _wake()
    return out


def _wake() -> None:
    """A Stripe send was queued: start it now rather than at the next poll."""
    from flows.dispatch import wake_dispatcher
    wake_dispatcher()


@router.post("/disbursements/{disbursement_id}/setup",
             summary="Set up rail and destination (addition); the preparer never approves alone")
def set_up(disbursement_id: str, body: SetUpIn, session: SessionDep, user: Finance) -> dict:
    return _act(session, service.set_up, disbursement_id=disbursement_id, user_id=user.id,
                role=user.role, rail=body.rail, destination=body.destination)


@router.post("/disbursements/{disbursement_id}/send",
             summary="Record a manual-rail payment as sent, with its reference (addition)")
def send(disbursement_id: str, body: ReferenceIn, session: SessionDep, user: Finance) -> dict:
    return _act(session, outcomes.send_manual, disbursement_id=disbursement_id,
                user_id=user.id, role=user.role, reference=body.reference)


@router.post("/disbursements/{disbursement_id}/confirm",
             summary="Money confirmed received (manual rails, or a finance confirmation)")
def confirm(disbursement_id: str, body: ReferenceIn, session: SessionDep, user: Finance) -> dict:
    return _act(session, outcomes.confirm_manual, disbursement_id=disbursement_id,
                user_id=user.id, role=user.role, reference=body.reference)


@router.post("/disbursements/{disbursement_id}/hold", summary="Place a compliance hold (addition)")
def hold(disbursement_id: str, body: HoldIn, session: SessionDep, user: Finance) -> dict:
    return _act(session, service.place_hold, disbursement_id=disbursement_id, user_id=user.id,
                role=user.role, reason=body.reason)


@router.post("/disbursements/{disbursement_id}/hold/clear",
             summary="Clear a compliance hold (addition)")
def clear_hold(disbursement_id: str, session: SessionDep, user: Finance) -> dict:
    out = _act(session, service.clear_hold, disbursement_id=disbursement_id, user_id=user.id,
               role=user.role)
    _wake()
    return out


def _end_route(target: str, path: str, summary: str) -> None:
    @router.post(f"/disbursements/{{disbursement_id}}/{path}", summary=summary,
                 name=f"disbursement_{path}")
    def _end(disbursement_id: str, session: SessionDep, user: Finance,
             body: EndIn | None = None) -> dict:
        return _act(session, outcomes.finance_end, disbursement_id=disbursement_id,
                    user_id=user.id, role=user.role, target=target,
                    reopen=body.reopen if body else True)


_end_route(CANCELLED, "cancel", "Cancel; the money goes back and a new attempt is planned")
_end_route(FAILED, "fail", "Record a failure reported by the rail (addition)")
_end_route(RETURNED, "return", "Record money returned by the rail (addition)")


@router.get("/money/balances", summary="Committed, sent, confirmed and remaining (addition)")
def balances(session: SessionDep, user: Finance) -> list[dict]:
    out = []
    for programme in session.exec(select(Programme)).all():
        for currency in sorted({programme.currency, *_currencies(session, programme.id)}):
            b = ledger.balances(session, programme_id=programme.id, currency=currency)
            out.append({"programme": programme.slug, "currency": currency,
                        "committed": _num(b.committed, currency),
                        "sent": _num(b.sent, currency),
                        "confirmed": _num(b.confirmed, currency),
                        "budget": _num(b.budget, currency),
                        "remaining": _num(b.remaining, currency)})
    return out


def _num(amount_minor: int | None, currency: str) -> float | None:
    return None if amount_minor is None else float(major(amount_minor, currency))


def _currencies(session: Any, programme_id: str) -> set[str]:
    return ledger.budget_currencies(session, programme_id=programme_id) | {
        d.currency for d in repository.listing(session, programme_id=programme_id)}


@router.put("/money/budgets", summary="Set a programme's budget in one currency (addition)")
def put_budget(body: BudgetIn, session: SessionDep,
               user: Annotated[StaffUser, Depends(require_roles("admin", "finance"))]) -> dict:
    programme = session.exec(select(Programme).where(Programme.slug == body.programme)).first()
    if programme is None:
        raise NotFound("unknown programme", fields={"programme": "unknown programme"})
    currency = body.currency.upper()
    service.set_budget(session=session, programme_id=programme.id, currency=currency,
                       amount_minor=minor(body.amount, currency), user_id=user.id,
                       role=user.role)
    session.commit()
    return {"programme": programme.slug, "currency": currency, "amount": float(body.amount)}


@router.get("/money/reconciliation", summary="Latest Stripe reconciliation reports (addition)")
def reconciliation(session: SessionDep, user: Finance) -> list[dict]:
    return [r.model_dump(mode="json") for r in repository.latest_reports(session)]


@router.post("/money/reconciliation", summary="Reconcile with Stripe now (addition)")
def reconcile_now(session: SessionDep, user: Finance) -> dict:
    session.rollback()  # end the request's transaction: the run uses its own (SQLite locks)
    report_id, differences = reconcile.run()
    return {"id": report_id, "differences": differences}
