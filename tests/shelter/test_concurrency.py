"""No overbooking, ever: 200 simultaneous hold requests for 20 beds, on SQLite and PostgreSQL.

Each request runs in its own thread with its own session (its own connection), as 200
coordinators' requests would; exactly 20 must win and no night may exceed its capacity.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from models.core.db import new_session, session_scope
from models.core.errors import Conflict
from models.shelter.schemas import HoldIn
from models.shelter.service import place_hold
from models.shelter.tables import ShelterHold, ShelterNight
from tests.shelter.factories import SOON, make_application, make_shelter

REQUESTS, BEDS, NIGHTS = 200, 20, 4


def _setup() -> tuple[str, list[str]]:
    with session_scope() as session:
        shelter = make_shelter(session, beds=BEDS)
        ids = [make_application(session, phone=f"+00 000 {i:04d}").id for i in range(REQUESTS)]
        return shelter.id, ids


def _request(shelter_id: str, application_id: str, gate: threading.Barrier) -> str:
    gate.wait()
    session = new_session()
    try:
        place_hold(session=session, application_id=application_id, actor_id="u1",
                   actor_role="shelter_coordinator",
                   data=HoldIn(shelter_id=shelter_id, from_date=SOON, nights=NIGHTS, beds=1))
        session.commit()
        return "held"
    except Conflict:
        session.rollback()
        return "refused"
    finally:
        session.close()


def test_two_hundred_requests_for_twenty_beds(db_url: str) -> None:
    shelter_id, ids = _setup()
    workers = 40
    gate = threading.Barrier(workers)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # The first `workers` requests start together; the rest follow as threads free up.
        outcomes = list(pool.map(lambda a: _request(shelter_id, a, gate) if ids.index(a) < workers
                                 else _request(shelter_id, a, threading.Barrier(1)), ids))
    assert outcomes.count("held") == BEDS
    assert outcomes.count("refused") == REQUESTS - BEDS
    with session_scope() as session:
        nights = session.exec(select(ShelterNight)
                              .where(ShelterNight.shelter_id == shelter_id)).all()
        assert [(n.used, n.capacity) for n in nights] == [(BEDS, BEDS)] * NIGHTS
        held = session.exec(select(ShelterHold).where(ShelterHold.status == "held")).all()
        assert len(held) == BEDS
