"""Proof of payment: a file finance attaches to a disbursement (a bank slip, an agent's
receipt). Stored like every document: magic bytes checked, sealed with the applicant's data
key (erasure shreds it too), under the data directory."""
from __future__ import annotations

from sqlmodel import Session, select

from models.applications.documents import store_document
from models.applications.tables import Application, Document
from models.core import audit
from models.core.errors import Forbidden, NotFound
from models.money import repository

PURPOSE = "proof_of_payment"


def attach_proof(*, session: Session, disbursement_id: str, user_id: str, role: str,
                 filename: str | None, content: bytes) -> Document:
    if role != "finance":
        raise Forbidden("only finance staff may do this")
    d = repository.get(session, disbursement_id)
    application = session.get(Application, d.application_id)
    if application is None:
        raise NotFound("unknown disbursement")
    document = store_document(session=session, application=application, purpose=PURPOSE,
                              ref_id=d.id, filename=filename, content=content)
    audit.record(session, actor=user_id, action="disbursement.proof", entity="disbursement",
                 entity_id=d.id, data={"document_id": document.id, "size": document.size})
    return document


def proofs_of(session: Session, disbursement_id: str) -> list[Document]:
    return list(session.exec(select(Document).where(Document.purpose == PURPOSE,
                                                    Document.ref_id == disbursement_id)
                             .order_by(Document.created_at)).all())
