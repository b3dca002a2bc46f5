"""E-mail queued staff notices (models.core.notices.Notice) through SMTP, each exactly once.

`ids` are notice ids or application ids (then every unsent notice of that case): intake and
routing enqueue one outbox row per case, the sweeper one per notice.

The mail holds no personal data: a fixed sentence per kind and a link to the case page,
which asks the reader to sign in. With no SMTP host configured, notices stay queued (not
sent) for a later run; the sweeper re-dispatches them once a host is set.
"""
from __future__ import annotations

import logging
import os
import smtplib
from datetime import timedelta
from email.message import EmailMessage

from prefect import flow, task
from sqlmodel import Session

from flows import handover
from flows.lanes import give_way_to_critical, give_way_to_routing
from models.core.base import as_utc, utcnow
from models.core import notices, outbox
from models.core.db import lock, session_scope
from models.core.notices import Notice
from models.core.settings import get_settings
from models.core.wording import translate
from models.people.tables import StaffUser

log = logging.getLogger("amparo.notify")
# Every sentence of the mail (English msgids, in the reader's language: models/core/wording.py)
MAIL = {"review": "A case needs your review", "default": "A case needs your attention",
        "open": "Open it after signing in:",
        "no_details": "This message holds no case details on purpose."}
REVIEW = MAIL["review"]
SUBJECTS = {
    "panel_review": REVIEW, "fast_track_review": REVIEW, "visa_review": REVIEW,
    "fast_track_widened": REVIEW,
    "shelter_matching": "A case needs a safe place",
    "info_answered": "An applicant answered a question",
    "review_reminder": "Reminder: a case is waiting for your vote",
    "review_escalated": "A case's decision clock ran out",
    "review_stuck": "A case cannot reach a decision: add a reviewer",
    "rota_gap": "Nobody will be on call soon: fill the rota",
}
DEFAULT_SUBJECT = MAIL["default"]
SMTP_TIMEOUT = 20
CLAIM_CHUNK = 25  # notices claimed per transaction
CLAIM_FOR = timedelta(minutes=2)  # over a chunk's SMTP time: a live sender is not overtaken


def public_url() -> str:
    """Where staff open the pages (AMPARO_PUBLIC_URL, else this machine's port)."""
    return (os.environ.get("AMPARO_PUBLIC_URL")
            or f"http://127.0.0.1:{get_settings().port}").rstrip("/")


def compose(notice: Notice, recipient: StaffUser) -> EmailMessage:
    settings = get_settings()
    lang = recipient.language  # her choice on /staff/account; none: English
    subject = translate(lang, SUBJECTS.get(notice.kind, DEFAULT_SUBJECT))
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = settings.smtp_from
    msg["To"] = recipient.email
    link = f"{public_url()}/staff/cases/{notice.application_id}" if notice.application_id \
        else f"{public_url()}/staff/"
    msg.set_content(f"{subject}.\n\n{translate(lang, MAIL['open'])}\n{link}\n\n"
                    f"{translate(lang, MAIL['no_details'])}\n")
    return msg


def _claim_all(ids: list[str]) -> tuple[list[tuple[str, EmailMessage]], list[str]]:
    """Claim a chunk of notices in one transaction: the messages to send, and the outcomes
    of those with nothing to send. The claim lets the e-mails go out after the transaction:
    on SQLite a row lock is the whole database's write lock, and SMTP held it for every
    other writer."""
    to_send: list[tuple[str, EmailMessage]] = []
    skipped: list[str] = []
    with session_scope() as session:
        for notice_id in ids:
            claimed = _claim(session, notice_id)
            if isinstance(claimed, str):
                skipped.append(claimed)
            else:
                to_send.append((notice_id, claimed))
    return to_send, skipped


def _claim(session: Session, notice_id: str) -> EmailMessage | str:
    notice = lock(session, Notice, notice_id)
    if notice is None:
        return "missing"
    if notice.sent_at is not None:
        return "already_sent"
    now = utcnow()
    if notice.claimed_until is not None and as_utc(notice.claimed_until) > now:
        return "in_flight"
    recipient = session.get(StaffUser, notice.recipient_id) if notice.recipient_id else None
    if recipient is None or not recipient.active:
        notice.sent_at = now  # nobody to tell any more: done, never retried
        session.add(notice)
        return "dropped"
    notice.attempts += 1
    notice.claimed_until = now + CLAIM_FOR
    session.add(notice)
    return compose(notice, recipient)


def _settle(outcomes: dict[str, str]) -> None:
    """Mark the chunk's sent notices sent and give the others' claims back for a later try,
    in one transaction (one turn of SQLite's write lock, not one per e-mail). A crash
    between the sends and this sends the chunk again once the claims have lapsed: at most
    one repeat per crash."""
    with session_scope() as session:
        for notice_id, outcome in outcomes.items():
            notice = lock(session, Notice, notice_id)
            if notice is not None and notice.sent_at is None:
                notice.sent_at = utcnow() if outcome == "sent" else None
                notice.claimed_until = None
                session.add(notice)


def _send_claimed(smtp: smtplib.SMTP, to_send: list[tuple[str, EmailMessage]]) -> list[str]:
    outcomes: dict[str, str] = {}
    for notice_id, message in to_send:
        try:
            smtp.send_message(message)
            outcomes[notice_id] = "sent"
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("notice not sent: %s", type(exc).__name__)
            outcomes[notice_id] = "failed"
    if outcomes:
        _settle(outcomes)
    return list(outcomes.values())


def notice_ids(ids: list[str]) -> list[str]:
    """Resolve the flow's ids to unsent notice ids, oldest first."""
    with session_scope(read_only=True) as session:
        return notices.unsent_ids(session, ids)


# The SMTP server refusing a connection for a moment: tried again in the run (a notice is
# marked sent once, so a retry never mails twice).
@task(name="mail-notices", retries=2, retry_delay_seconds=[5, 20])
def mail_notices(ids: list[str]) -> dict[str, int]:
    settings = get_settings()
    counts: dict[str, int] = {}
    ids = notice_ids(ids)
    if not settings.smtp_host:
        log.info("no SMTP host configured: %d notice(s) kept for later", len(ids))
        return {"not_sent": len(ids)}
    if not ids:
        return counts
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT) as smtp:
        for start in range(0, len(ids), CLAIM_CHUNK):
            give_way_to_critical()
            give_way_to_routing()
            to_send, skipped = _claim_all(ids[start:start + CLAIM_CHUNK])
            for outcome in skipped + _send_claimed(smtp, to_send):
                counts[outcome] = counts.get(outcome, 0) + 1
    log.info("notices: %s", counts)
    return counts


@flow(name="send-notices")
def send_notices(ids: list[str]) -> dict[str, int]:
    """Flow parameters are notice ids only. On a worker it then takes on the newer rows of
    its flow (flows/handover.py)."""
    counts = dict(mail_notices(ids))
    for more in handover.take_on(outbox.NOTICE_FLOW, mail_notices):
        for outcome, count in more.items():
            counts[outcome] = counts.get(outcome, 0) + count
    return counts


def mail_directly(ids: list[str]) -> dict[str, int]:
    """The same without Prefect: the express lane's path for critical cases' notices."""
    return mail_notices.fn(ids)
