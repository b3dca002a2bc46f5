"""What a change of risk weights would do: last month's cases of a programme scored again
with the weights typed, counted by level beside the levels they were given.

Only the categories stored for statistics are read (threat types, imminence, perpetrator,
counts, country code): no personal data, and the answer is counts only.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from models.applications.risk import LEVELS, assess
from models.applications.tables import Applicant, Application
from models.core.base import utcnow

WINDOW = timedelta(days=30)


@dataclass
class LevelPreview:
    cases: int
    given: dict[str, int]      # the levels the cases were given when they were assessed
    with_weights: dict[str, int]  # the levels these weights would give them

    @property
    def moved(self) -> int:
        """Cases whose level would change (upwards or downwards)."""
        return sum(abs(self.with_weights[level] - self.given[level]) for level in LEVELS) // 2


def preview_levels(session: Session, *, programme_id: str, weights: dict[str, Any],
                   window: timedelta = WINDOW) -> LevelPreview:
    rows = session.exec(
        select(Application, Applicant.country)
        .join(Applicant, col(Applicant.id) == col(Application.applicant_id))
        .where(Application.programme_id == programme_id,
               col(Application.submitted_at) >= utcnow() - window,
               col(Application.risk_level).is_not(None))).all()
    given: Counter = Counter()
    again: Counter = Counter()
    for application, country in rows:
        given[application.risk_level] += 1
        again[assess(application, country, weights).level] += 1
    return LevelPreview(cases=len(rows), given={lv: given[lv] for lv in LEVELS},
                        with_weights={lv: again[lv] for lv in LEVELS})
