"""The sweeper: a scheduled flow of small idempotent steps (DESIGN.md, rule 4).

Each step is `step(session, now) -> dict of counts`, runs in its own transaction, and may run
again at any time without doing anything twice. Every step is listed in one place,
`sweep_steps_in_order` (bed holds, retention, stuck reviews...). Embedded mode runs `run_sweeper_forever` in a
thread of the API process; distributed mode schedules the `sweep` deployment (prefect.yaml).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from prefect import flow, task
from sqlmodel import Session

from models.core import notices, outbox
from models.core.base import utcnow
from models.core.db import session_scope
from models.core.settings import get_settings
from models.reviews import alerts

log = logging.getLogger("amparo.sweeper")
SweepStep = Callable[[Session, datetime], dict]
MAX_NOTICE_ATTEMPTS = 5


def review_reminders(session: Session, now: datetime) -> dict:
    return {"reminded": alerts.send_half_time_reminders(session=session, now=now)}


def stuck_reviews(session: Session, now: datetime) -> dict:
    """Cases whose eligible voters fell below what a decision needs (models/reviews/reach.py)."""
    return {"stuck_flagged": alerts.flag_stuck_reviews(session=session, now=now)}


def on_call_rotas(session: Session, now: datetime) -> dict:
    """On-call flags from each panel's rota; gaps told to the chair and admins a day ahead."""
    from models.reviews.rota import apply_rotas
    return apply_rotas(session, now)


def expired_referrals(session: Session, now: datetime) -> dict:
    """Referrals to or from other funds that waited past their time: expired, the sealed case
    gone (telling the other fund happens when the referrals are next listed: no network
    call inside a sweep's transaction)."""
    from models.network.referrals import expire_due
    return {"expired": expire_due(session)}


def review_escalations(session: Session, now: datetime) -> dict:
    return {"escalated": alerts.escalate_overdue(session=session, now=now)}


def waiting_clocks(session: Session, now: datetime) -> dict:
    """Every other waiting state's clock: reminder at half time, escalation at the end."""
    from models.clocks.clocks import sweep_waiting_clocks
    return sweep_waiting_clocks(session=session, now=now)


def stale_dispatches(session: Session, now: datetime) -> dict:
    return {"requeued": outbox.requeue_stale(session)}


def unsent_notices(session: Session, now: datetime) -> dict:
    """Notices left unsent (SMTP was down or unset) get a new outbox row, unless one waits."""
    if not get_settings().smtp_host:
        return {"notices_redispatched": 0}
    rows = notices.unsent_without_dispatch(session, flow=alerts.NOTICE_FLOW,
                                           older_than=now - timedelta(minutes=1),
                                           max_attempts=MAX_NOTICE_ATTEMPTS)
    for notice in rows:
        outbox.enqueue(session, flow=alerts.NOTICE_FLOW, entity_id=notice.id)
    return {"notices_redispatched": len(rows)}


def overdue_followups(session: Session, now: datetime) -> dict:
    from models.applications.followups import overdue_followups as flag
    return {"followups_flagged": len(flag(session=session, now=now))}


def sealed_receipts(session: Session, now: datetime) -> dict:
    from models.applications.service import prune_sealed_receipts
    return {"sealed_receipts_pruned": prune_sealed_receipts(session=session)}


def erase_past_retention(session: Session, now: datetime) -> dict:
    """Ended cases older than AMPARO_RETENTION_DAYS lose their personal data (crypto-shredding)."""
    from models.applications.erasure import erase_application_person, retention_due
    from models.core.settings import get_settings

    erased = 0
    for app_id in retention_due(session=session, now=now, days=get_settings().retention_days):
        erased += erase_application_person(session=session, application_id=app_id,
                                           actor_id="system", reason="retention") > 0
    return {"people_erased": erased}


def sweep_steps_in_order() -> list[SweepStep]:
    """Every sweep step, in the order they run: the one list a reader opens to know what the
    sweeper does. The areas' steps live beside their flows and are imported here (they no
    longer register themselves on import, so a renamed module fails loudly, not silently)."""
    from flows.money import reconciliation_due, unsent_stripe_disbursements
    from flows.recovery import stranded_applications
    from flows.shelter import expire_bed_holds, queue_shelter_matching
    from flows.visas import visa_deadline_reminders

    return [stale_dispatches, on_call_rotas, stranded_applications, stuck_reviews,
            review_escalations,
            review_reminders, waiting_clocks, unsent_notices, overdue_followups, expire_bed_holds,
            queue_shelter_matching, visa_deadline_reminders, unsent_stripe_disbursements,
            reconciliation_due, sealed_receipts, expired_referrals, erase_past_retention,
            *EXTRA_STEPS]


EXTRA_STEPS: list[SweepStep] = []  # tests add a step here; nothing in the product does


def run_steps(now: datetime | None = None) -> dict[str, dict]:
    """Every step in its own transaction; one failing step does not stop the others."""
    now = now or utcnow()
    results: dict[str, dict] = {}
    for step in sweep_steps_in_order():
        try:
            with session_scope() as session:
                results[step.__name__] = step(session, now)
        except Exception as exc:  # noqa: BLE001 - a step must not stop the sweep
            log.warning("sweep step %s failed: %s", step.__name__, type(exc).__name__)
            log.debug("sweep step failure", exc_info=True)
            results[step.__name__] = {"error": type(exc).__name__}
    _remember_sweep(results)
    return results


def _remember_sweep(results: dict[str, dict]) -> None:
    """The operations page says when the last sweep ran and which steps failed."""
    from models.operations.service import SWEEP, record_job

    failed = sorted(name for name, result in results.items() if "error" in result)
    try:
        with session_scope() as session:
            record_job(session, SWEEP, "errors" if failed else "ok", {"failed": failed})
    except Exception as exc:  # noqa: BLE001 - a bookkeeping failure must not fail the sweep
        log.warning("could not record the sweep: %s", type(exc).__name__)


@task(name="sweep-steps")
def sweep_steps() -> dict[str, dict]:
    return run_steps()


@flow(name="sweep")
def sweep(ids: list[str] | None = None) -> dict[str, dict]:
    """Scheduled; `ids` is ignored (the dispatcher passes a list to every flow)."""
    results = sweep_steps()
    log.info("sweep: %s", {k: v for k, v in results.items() if any(v.values())})
    return results


def run_sweeper_forever(interval_s: float, stop: threading.Event | None = None) -> None:
    """Embedded mode: sweep every `interval_s` seconds until `stop` is set."""
    stop = stop or threading.Event()
    while not stop.wait(interval_s):
        try:
            sweep()
        except Exception as exc:  # noqa: BLE001 - the loop must survive a bad moment
            log.warning("sweep failed: %s", type(exc).__name__)


class SweeperThread:
    def __init__(self, interval_s: float) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=run_sweeper_forever, args=(interval_s, self._stop),
                                        name="amparo-sweeper", daemon=True)

    def start(self) -> "SweeperThread":
        self._thread.start()
        return self

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        self._thread.join(timeout)


def start_sweeper(interval_s: float) -> SweeperThread:
    return SweeperThread(interval_s).start()


# Areas whose flow modules register their steps on import (bed holds, visa reminders).
for _area in ("flows.shelter", "flows.visas", "flows.money"):
    __import__(_area)
