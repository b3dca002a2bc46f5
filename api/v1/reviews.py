"""Review routes: the reviewer's queue, votes, and questions to the applicant."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from api.auth import require_roles
from api.deps import SessionDep
from models.applications.tables import Application
from models.core.errors import Forbidden, NotFound
from models.people.tables import StaffUser
from models.reviews.queue import review_queue
from models.reviews.service import cast_vote, from_minor, may_review

router = APIRouter(tags=["reviews"])
Reviewer = Annotated[StaffUser, Depends(require_roles("reviewer"))]
Asker = Annotated[StaffUser, Depends(require_roles("reviewer", "caseworker", "admin"))]


class VoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "reject", "abstain", "recuse"]
    amount: Decimal | None = Field(default=None, description="decimal major units, approve only")
    comment: str | None = Field(default=None, max_length=4000)


class InfoRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=4000)


@router.get("/reviews", summary="The caller's review queue, most urgent first")
def list_reviews(session: SessionDep, user: Reviewer) -> dict:
    """Priority first, then the earliest decision clock; `remaining_seconds` is negative once
    the clock ran out; `voted` says whether the caller has voted. Recused cases are left out."""
    return {"items": [item.as_json() for item in review_queue(session=session, reviewer=user)]}


@router.post("/applications/{application_id}/votes", summary="Vote on a case")
def vote(application_id: str, body: VoteIn, session: SessionDep, user: Reviewer) -> dict:
    result = cast_vote(session=session, application_id=application_id, reviewer=user,
                       decision=body.decision, amount=body.amount, comment=body.comment)
    session.commit()
    application = session.get(Application, application_id)
    currency = application.currency if application else None
    return {"vote_id": result.vote_id, "decision": result.decision,
            "application_status": result.status, "decided": result.decided,
            "decided_amount": from_minor(result.decided_amount_minor, currency),
            "currency": currency}


@router.post("/applications/{application_id}/info-requests", status_code=201,
             summary="Ask the applicant for more information (the clock pauses)")
def ask_applicant(application_id: str, body: InfoRequestIn, session: SessionDep,
                  user: Asker) -> dict:
    from models.applications.info import request_info

    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("no such application")
    if user.role == "reviewer" and not may_review(session, application=application, reviewer=user):
        raise Forbidden("you do not review this case", code="not_on_panel")
    request = request_info(session=session, application=application, staff=user,
                           question=body.question)
    session.commit()
    return {"id": request.id, "application_id": application.id, "status": application.status}
