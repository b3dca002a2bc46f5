"""Intake: one application in, sealed, with its receipt, audit event and dispatch row.

Nothing here commits: the caller (API route, web form, PDF intake) commits once, so the
application and its outbox row are saved together or not at all (DESIGN.md rule 4).
"""
from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, Insert, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from models.applications import repository, risk, sealed
from models.applications.schemas import ApplicationIn, SubmitResult
from models.applications.tables import Applicant, Application, SubmissionReceipt
from models.applications.views import load_application_view  # noqa: F401 - public here too
from models.core import audit, crypto, outbox
from models.core.base import utcnow
from models.core.db import session_scope
from models.core.groupcommit import GroupCommit
from models.core.errors import Conflict, Invalid, NotFound
from models.money import payout
from models.money.payout_tables import PayoutDetail
from models.programmes.service import ProgrammeFacts, forget_programmes, programme_facts

PROCESS_FLOW = "process-application"
_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{16,128}$")


@dataclass
class PreparedSubmission:
    """An application sealed and ready to store: the CPU work of intake, done before any lock."""

    rows: list
    application: Application
    programme_id: str
    receipt: str
    key_hash: str | None
    token: str | None


def submit_application(*, session: Session, data: ApplicationIn,
                       submission_key: str | None = None) -> SubmitResult:
    """Validate against the programme, seal, and queue triage. Does not commit.

    `submission_key` is a random token the form sends with every attempt of one submission:
    a second attempt returns the first application and its receipt (sealed under that token).
    """
    prepared = prepare_submission(session=session, data=data, submission_key=submission_key)
    if isinstance(prepared, SubmitResult):
        return prepared
    return store_submission(session, prepared) or answer_repeat(session, prepared)


def submit_grouped(*, data: ApplicationIn, submission_key: str | None = None) -> SubmitResult:
    """`submit_application` for concurrent callers, committed: sealing in the caller's thread,
    the writes of every caller waiting at that moment in one transaction (group commit)."""
    with session_scope() as session:  # a read at most (programme facts): over before queuing
        prepared = prepare_submission(session=session, data=data, submission_key=submission_key)
    if isinstance(prepared, SubmitResult):
        return prepared
    stored = _INTAKE_WRITER(prepared)
    if stored is not None:
        return stored
    with session_scope() as session:
        return answer_repeat(session, prepared)


def prepare_submission(*, session: Session, data: ApplicationIn,
                       submission_key: str | None = None) -> PreparedSubmission | SubmitResult:
    """Check the programme and seal everything; the earlier answer when this is a retry that
    the programme would now refuse. Writes nothing."""
    key_hash = _submission_key_hash(submission_key)
    programme = _programme_or_previous(session, data, key_hash, submission_key)
    if isinstance(programme, SubmitResult):
        return programme
    applicant, dek = _new_applicant(session, data)
    application = _new_application(data, programme, applicant, dek, key_hash)
    receipt = crypto.new_receipt()
    application.receipt_hash = crypto.receipt_hash(receipt)  # type: ignore[assignment]
    # Provisional risk at intake (the flow assesses again): a critical case jumps the queue
    # of a surge before it is even triaged (issue 6, "critical first").
    application.priority = risk.assess(application, applicant.country,
                                       programme.risk_weights).priority
    rows: list = [applicant, application]
    rows += payout.intake_rows(raw=data.payout, kind=data.kind, application=application,
                               applicant=applicant, dek=dek,  # issue 17: sealed like hers
                               programme_rails=programme.payout_rails)
    if submission_key:
        rows.append(SubmissionReceipt(application_id=application.id, receipt_sealed=_seal_receipt(
            submission_key, application.id, receipt)))
    return PreparedSubmission(rows=rows, application=application, programme_id=programme.id,
                              receipt=receipt, key_hash=key_hash, token=submission_key)


def store_submission(session: Session, prepared: PreparedSubmission) -> SubmitResult | None:
    """Insert the rows, the audit event and the dispatch row; None when the submission key
    was used before (a retry, or a concurrent request): then nothing of this attempt stays."""
    if not _insert(session, prepared.rows, prepared.key_hash):
        return None
    _record_and_queue(session, [prepared])
    return _result(prepared)


def store_submissions(session: Session, batch: list[PreparedSubmission]
                      ) -> list[SubmitResult | None]:
    """`store_submission` for a group commit's batch, a few statements for all of it.

    Keys already taken (or repeated within the batch) answer None without an insert. A key
    taken meanwhile by another process fails the insert, and with it the batch: the group
    commit then stores each alone, through `store_submission`'s savepoint."""
    taken = repository.taken_submission_keys(
        session, [p.key_hash for p in batch if p.key_hash])
    fresh: list[PreparedSubmission] = []
    for prepared in batch:
        if prepared.key_hash in taken:
            continue
        fresh.append(prepared)
        if prepared.key_hash:
            taken.add(prepared.key_hash)
    session.flush()
    _insert_rows(session.connection(), [row for p in fresh for row in p.rows])
    _record_and_queue(session, fresh)
    stored = {id(p) for p in fresh}
    return [_result(p) if id(p) in stored else None for p in batch]


def _record_and_queue(session: Session, batch: list[PreparedSubmission]) -> None:
    audit.record_many(session, [audit.Event(
        actor="applicant", action="application.submitted", entity="application",
        entity_id=p.application.id,
        data={"kind": p.application.kind, "programme_id": p.programme_id}) for p in batch])
    outbox.enqueue_many(session, [(PROCESS_FLOW, p.application.id, p.application.priority)
                                  for p in batch])


def _result(prepared: PreparedSubmission) -> SubmitResult:
    return SubmitResult(id=prepared.application.id, receipt=prepared.receipt,
                        status=prepared.application.status)


def answer_repeat(session: Session, prepared: PreparedSubmission) -> SubmitResult:
    """A repeated submission key: answer as the first attempt was answered."""
    again = _previous_submission(session, prepared.key_hash,  # type: ignore[arg-type]
                                 prepared.token)  # type: ignore[arg-type]
    if again:
        return again
    raise Conflict("this submission was already received", code="already_submitted")


_INTAKE_WRITER: GroupCommit[PreparedSubmission, SubmitResult | None] = GroupCommit(
    store_submission, name="intake-writer", write_batch=store_submissions)


def on_submissions_committed(hook: Callable[[], None] | None) -> None:
    """Call `hook` after each committed batch of `submit_grouped` (the API wakes the flow
    runner once per batch, not once per request)."""
    _INTAKE_WRITER.after_commit = hook


def _programme_or_previous(session: Session, data: ApplicationIn, key_hash: str | None,
                           token: str | None) -> ProgrammeFacts | SubmitResult:
    """The programme; or, when it refuses this request now, the answer a first attempt with
    the same token got (a retry is answered as before, whatever changed since)."""
    try:
        return _programme_for(session, data)
    except Invalid:
        again = _previous_submission(session, key_hash, token) if key_hash and token else None
        if again:
            return again
        raise


def _programme_for(session: Session, data: ApplicationIn) -> ProgrammeFacts:
    try:
        programme = programme_facts(session, data.programme)
    except NotFound as exc:
        raise Invalid("unknown programme", fields={"programme": "unknown programme"}) from exc
    if data.kind not in programme.kinds:
        raise Invalid("this programme does not offer this kind of help",
                      fields={"kind": "not offered by this programme"})
    return programme


def _new_applicant(session: Session, data: ApplicationIn) -> tuple[Applicant, bytes]:
    values = data.applicant.model_dump(mode="json")
    applicant = Applicant(country=data.applicant.country)
    dek = crypto.new_data_key()
    applicant.data_key_wrapped = crypto.wrap_data_key(dek, applicant.id)
    sealed.seal_applicant(applicant, dek, values)
    for column, digest in sealed.blind_indexes(values).items():
        setattr(applicant, column, digest)
    return applicant, dek


def _new_application(data: ApplicationIn, programme: ProgrammeFacts, applicant: Applicant,
                     dek: bytes, key_hash: str | None) -> Application:
    threat = data.threat
    application = Application(
        kind=data.kind, programme_id=programme.id, applicant_id=applicant.id,
        status="submitted", language=data.language, receipt_hash="", submission_key=key_hash,
        threat_types=sorted({t.value for t in threat.types}), threat_imminent=threat.imminent,
        perpetrator=threat.perpetrator.value, prior_attacks=threat.prior_attacks,
        dependants=data.dependants, endorser_present=data.endorser is not None,
        priority=1 if threat.imminent else 3)
    if data.kind == "grant":
        request = data.typed_request()
        application.currency = request.currency
        application.amount_minor = sealed.minor_units(request.amount, request.currency)
    sealed.seal_details(application, dek, {
        "threat_description": threat.description,
        "endorser": data.endorser.model_dump(mode="json") if data.endorser else None,
        "request": data.request,
    })
    return application


def _insert(session: Session, rows: list, key_hash: str | None) -> bool:
    """Insert the rows; False when the token is taken (a retry, or a concurrent submit that got
    there first): the savepoint is rolled back, so nothing of this attempt stays. Inserting
    first is cheaper than looking the token up, as nearly every submission is new."""
    session.flush()  # anything the caller left pending goes first, as before
    conn = session.connection()
    if not key_hash:
        _insert_rows(conn, rows)
        return True
    try:
        with conn.begin_nested():
            _insert_rows(conn, rows)
    except IntegrityError:
        forget_programmes()  # in case a cached programme id is what failed (deleted since)
        return False
    return True


def _insert_rows(conn: Connection, rows: list) -> None:
    # Core inserts of the new objects, every column as the object holds it (the tables have
    # no database-side defaults): an ORM flush costs several times more. The objects stay
    # out of the session; later reads load the rows from the database. One statement per
    # table, parents first (applicants, then applications, then sealed receipts).
    for model, (statement, columns) in _INSERTS.items():
        values = [{name: getattr(row, key) for name, key in columns}
                  for row in rows if type(row) is model]
        if values:
            conn.execute(statement, values)


def _insert_of(model: type) -> tuple[Insert, list[tuple[str, str]]]:
    table = model.__table__  # type: ignore[attr-defined]
    return table.insert(), [(c.name, c.key) for c in table.columns]


_INSERTS = {m: _insert_of(m) for m in (Applicant, Application, SubmissionReceipt,
                                       PayoutDetail)}


# --- double submits ---------------------------------------------------------------------

def _submission_key_hash(token: str | None) -> str | None:
    if token is None:
        return None
    if not _TOKEN.match(token):
        raise Invalid("invalid submission key", fields={"submission_key": "16-128 letters, "
                                                        "digits, - or _"})
    return crypto.keyed_hash(token, "submission-key")


def _token_key(token: str) -> bytes:
    # Server secret and browser token together: neither the database nor the token alone opens it.
    return hmac.new(crypto.derived_key("submission-receipt"), token.encode(),
                    hashlib.sha256).digest()


def _seal_receipt(token: str, application_id: str, receipt: str) -> str:
    return crypto.seal_with(_token_key(token), receipt,  # type: ignore[return-value]
                            crypto.aad_for("submission_receipt", application_id, "receipt"))


def _previous_submission(session: Session, key_hash: str, token: str) -> SubmitResult | None:
    application = repository.by_submission_key(session, key_hash)
    if application is None:
        return None
    row = repository.sealed_receipt(session, application.id)
    if row is None:
        raise Conflict("this submission was already received", code="already_submitted")
    receipt = crypto.open_with(_token_key(token), row.receipt_sealed,
                               crypto.aad_for("submission_receipt", application.id, "receipt"))
    return SubmitResult(id=application.id, receipt=receipt or "", status=application.status)


def prune_sealed_receipts(*, session: Session, older_than_hours: int = 24) -> int:
    """The sweeper drops sealed receipts after a day: a double submit comes within seconds."""
    cutoff = utcnow() - timedelta(hours=older_than_hours)
    result = session.exec(delete(SubmissionReceipt)  # type: ignore[call-overload]
                          .where(col(SubmissionReceipt.created_at) < cutoff))
    return result.rowcount or 0
