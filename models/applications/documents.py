"""Files an applicant uploads with the receipt: checked by magic bytes, sealed with the
applicant's data key (so erasure shreds them too) and stored under `data_dir/uploads`.

Purposes: `report` (the follow-up report), `info_answer` (attached to a question); other
areas register theirs in DOCUMENT_HOOKS (e.g. the visa checklist's `visa_item`).
"""
from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from models.applications import sealed
from models.applications.followups import submit_report
from models.applications.info import application_by_receipt
from models.applications.tables import Applicant, Application, Document, InfoRequest
from models.core import audit, crypto
from models.core.errors import Invalid, NotFound, TooLarge
from models.core.settings import get_settings

MAX_BYTES = 10 * 1024 * 1024
MAGIC = [(b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"),
         (b"\x89PNG\r\n\x1a\n", "image/png")]
Hook = Callable[[Session, Application, Document], None]
DOCUMENT_HOOKS: dict[str, Hook] = {}


def register_document_purpose(purpose: str, hook: Hook) -> None:
    DOCUMENT_HOOKS[purpose] = hook


def sniff_mime(head: bytes) -> str | None:
    return next((mime for magic, mime in MAGIC if head.startswith(magic)), None)


def _path(document_id: str) -> Path:
    return get_settings().uploads_dir / f"{document_id}.sealed"


def store_document(*, session: Session, application: Application, purpose: str,
                   ref_id: str | None, filename: str | None, content: bytes) -> Document:
    if len(content) > MAX_BYTES:
        raise TooLarge("the file is larger than 10 MB")
    mime = sniff_mime(content[:16])
    if mime is None:
        raise Invalid("only PDF, JPEG or PNG files", fields={"file": "PDF, JPEG or PNG only"})
    applicant = session.get(Applicant, application.applicant_id)
    dek = sealed.data_key(applicant) if applicant else None
    if dek is None:
        raise NotFound("unknown receipt")
    document = Document(application_id=application.id, purpose=purpose, ref_id=ref_id,
                        mime=mime, size=len(content))
    document.filename_enc = crypto.seal_with(dek, (filename or "")[:200] or None,
                                             crypto.aad_for("document", document.id, "filename"))
    path = _path(document.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    sealed_bytes = crypto.seal_with(dek, base64.b64encode(content).decode(),
                                    crypto.aad_for("document", document.id, "content")) or ""
    path.write_text(sealed_bytes)
    session.add(document)
    session.flush()
    audit.record(session, actor="applicant", action="document.uploaded", entity="document",
                 entity_id=document.id, data={"application_id": application.id,
                                              "purpose": purpose, "size": len(content)})
    return document


def read_document(*, session: Session, document: Document) -> bytes | None:
    """The file's bytes for staff; None once the applicant's data was erased."""
    application = session.get(Application, document.application_id)
    applicant = session.get(Applicant, application.applicant_id) if application else None
    dek = sealed.data_key(applicant) if applicant else None
    path = _path(document.id)
    if dek is None or not path.exists():
        return None
    text = crypto.open_with(dek, path.read_text(), crypto.aad_for("document", document.id,
                                                                  "content"))
    return base64.b64decode(text) if text else None


def upload_document(*, session: Session, receipt: str, purpose: str, ref_id: str | None,
                    filename: str | None, content: bytes) -> Document:
    """Receipt → application; the purpose decides what the file completes."""
    application = application_by_receipt(session, receipt)
    if purpose not in ("report", "info_answer") and purpose not in DOCUMENT_HOOKS:
        raise Invalid("unknown purpose", fields={"purpose": "unknown purpose"})
    if purpose == "info_answer":
        request = session.get(InfoRequest, ref_id or "")
        if request is None or request.application_id != application.id:
            raise NotFound("question not found")
    document = store_document(session=session, application=application, purpose=purpose,
                              ref_id=ref_id, filename=filename, content=content)
    try:
        if purpose == "report":
            submit_report(session=session, receipt=receipt, document=document)
        elif purpose in DOCUMENT_HOOKS:
            DOCUMENT_HOOKS[purpose](session, application, document)
    except Exception:
        _path(document.id).unlink(missing_ok=True)  # the caller rolls back: leave no file
        raise
    return document
