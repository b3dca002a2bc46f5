"""Matching benchmark: one case against 1,000 houses over 365 nights.

Two ways in the same run, on the same data, checked to agree:
- **amparo**: one aggregate query (`MIN(capacity - used)` per house over the stay, in the
  database) then the pure ranking (models.shelter.matching.rank) — what the API does;
- **plain Python**: load every night row of the stay (as plain tuples, not ORM objects),
  walk each house night by night (`min_free_plain`), then the same ranking.

    .venv/bin/python bench/matching.py [--houses 1000] [--nights 365] [--repeat 7] [--url URL]

Without --url a fresh SQLite file (built by the migrations) is used.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_tmp = Path(tempfile.mkdtemp(prefix="amparo-bench-matching-"))
os.environ.setdefault("AMPARO_DATA_DIR", str(_tmp))
os.environ.setdefault("AMPARO_SECRET_KEY", "bench-secret-key-not-for-production-0123456789")
os.environ.setdefault("AMPARO_ENCRYPTION_KEYS", "b1:" + "B" * 43)

from sqlalchemy import insert  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from models.core.db import session_scope  # noqa: E402
from models.core.migrate import upgrade  # noqa: E402
from models.core.settings import reset_settings  # noqa: E402
from models.shelter import repository as repo  # noqa: E402
from models.shelter.matching import Need, min_free_plain, rank  # noqa: E402
from models.shelter.service import house_of  # noqa: E402
from models.core.crypto import aad_for, encrypt  # noqa: E402
from models.shelter.tables import Shelter, ShelterNight  # noqa: E402

START = date(2027, 1, 1)
FEATURES = ["children", "step_free", "lgbtiq_safe", "women_only"]


def populate(houses: int, nights: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    shelters, rows = [], []
    for i in range(houses):
        beds = rng.randint(2, 42)
        sid = f"bench{i:06d}"
        shelters.append({"id": sid, "country": rng.choice(["MX", "GT", "CO"]),
                         "name_enc": encrypt(f"Bench House {i}", aad_for("shelter", sid, "name")),
                         "region_enc": encrypt(f"Region {rng.randint(1, 30)}",
                                               aad_for("shelter", sid, "region")),
                         "beds": beds, "active": True,
                         "features": rng.sample(FEATURES, rng.randint(0, 4)),
                         "languages": rng.sample(["en", "es", "fr", "pt"], rng.randint(1, 3)),
                         "max_nights": rng.choice([90, 120, 180, 365, 400]),
                         "created_at": datetime.now(timezone.utc)})
        for n in range(nights):
            closed = rng.random() < 0.01
            used = 0 if closed else int(rng.random() ** 3 * beds)  # mostly light, some full
            rows.append({"shelter_id": sid, "night": START + timedelta(days=n),
                         "capacity": 0 if closed else beds, "used": used, "closed": closed})
    with session_scope() as session:
        session.execute(insert(Shelter), shelters)
        for i in range(0, len(rows), 20_000):
            session.execute(insert(ShelterNight), rows[i:i + 20_000])


def match_in_database(need: Need) -> list[str]:
    with session_scope() as session:
        houses = repo.shelters(session)
        free = repo.min_free(session, houses, need.from_date, need.nights)
        return [m.shelter_id for m in rank([house_of(h) for h in houses], need, free)]


def match_plain_python(need: Need) -> list[str]:
    with session_scope() as session:
        houses = repo.shelters(session)
        end = need.from_date + timedelta(days=need.nights)
        rows = session.exec(select(ShelterNight.shelter_id, ShelterNight.night,  # plain tuples
                                   ShelterNight.used, ShelterNight.closed).where(
            col(ShelterNight.night) >= need.from_date, col(ShelterNight.night) < end)).all()
        used: dict[str, dict[date, int]] = {}
        closed: dict[str, set[date]] = {}
        for shelter_id, night, taken, is_closed in rows:
            used.setdefault(shelter_id, {})[night] = taken
            if is_closed:
                closed.setdefault(shelter_id, set()).add(night)
        stay = repo.nights_between(need.from_date, end)
        free = {h.id: min_free_plain(h.beds, used.get(h.id, {}), stay,
                                     frozenset(closed.get(h.id, ()))) for h in houses}
        return [m.shelter_id for m in rank([house_of(h) for h in houses], need, free)]


def timed(fn, need: Need, repeat: int) -> tuple[float, list[str]]:  # noqa: ANN001
    times, result = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn(need)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--houses", type=int, default=1000)
    parser.add_argument("--nights", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--url", default=None, help="a database URL (default: fresh SQLite)")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{_tmp / 'bench.db'}"
    os.environ["AMPARO_DATABASE_URL"] = url
    reset_settings()
    upgrade(url)
    t0 = time.perf_counter()
    populate(args.houses, args.nights)
    print(f"{args.houses} houses x {args.nights} nights = {args.houses * args.nights} night rows "
          f"({'sqlite' if url.startswith('sqlite') else 'postgresql'}), loaded in "
          f"{time.perf_counter() - t0:.1f} s")
    print(f"{'stay':>14} {'amparo (SQL aggregate)':>24} {'plain Python':>14} {'ratio':>7} {'houses fit':>11}")
    for stay in (30, 90, args.nights):
        need = Need(people=2, children=1, from_date=START, nights=stay, language="es",
                    features=frozenset({"children"}), avoid_region="Region 3", country="MX")
        db_s, db_ids = timed(match_in_database, need, args.repeat)
        py_s, py_ids = timed(match_plain_python, need, args.repeat)
        assert db_ids == py_ids, "the two ways disagree"
        print(f"{stay:>8} nights {db_s * 1000:>21.1f} ms {py_s * 1000:>11.1f} ms "
              f"{py_s / db_s:>6.1f}x {len(db_ids):>11}")


if __name__ == "__main__":
    main()
