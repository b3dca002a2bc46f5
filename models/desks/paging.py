"""Paging for every staff list: a page number and size read from plain strings, the total
count, and the window of rows. No HTTP here: pages pass `request.query_params`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import func
from sqlmodel import Session, select

T = TypeVar("T")
PER_PAGE = 50
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Paging:
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @classmethod
    def read(cls, params: Mapping[str, Any], *, per_page: int = PER_PAGE) -> Paging:
        """`page` and `per_page` from a query string; anything odd falls back quietly."""
        return cls(page=_int(params.get("page"), 1, 1, 100_000),
                   per_page=_int(params.get("per_page"), per_page, 1, MAX_PER_PAGE))


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    paging: Paging
    params: dict[str, str] = field(default_factory=dict)  # the search, kept in page links

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.paging.per_page))

    @property
    def first(self) -> int:
        return self.paging.offset + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.paging.offset + len(self.items)

    @property
    def number(self) -> int:
        return self.paging.page

    @property
    def query(self) -> dict[str, Any]:
        """What a link to another page of this list keeps: the search and the page size."""
        if self.paging.per_page != PER_PAGE:
            return {**self.params, "per_page": self.paging.per_page}
        return dict(self.params)


def _int(value: Any, default: int, low: int, high: int) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


def page_of_query(session: Session, stmt: Any, paging: Paging,
                  params: dict[str, str] | None = None) -> Page[Any]:
    """Count the rows of `stmt`, then fetch the page's window (a page past the end: empty)."""
    total = session.exec(select(func.count()).select_from(stmt.order_by(None).subquery())).one()
    items = list(session.exec(stmt.offset(paging.offset).limit(paging.per_page)).all())
    return Page(items=items, total=int(total), paging=paging, params=params or {})


def page_of_list(rows: Sequence[T], paging: Paging,
                 params: dict[str, str] | None = None) -> Page[T]:
    """The same for a list built in Python (e.g. a queue computed row by row)."""
    window = list(rows[paging.offset:paging.offset + paging.per_page])
    return Page(items=window, total=len(rows), paging=paging, params=params or {})


def matches(params: Mapping[str, Any], *keys: str, limit: int = 64) -> dict[str, str]:
    """The non-empty search fields among `keys`, trimmed and capped."""
    out = {}
    for key in keys:
        value = str(params.get(key) or "").strip()[:limit]
        if value:
            out[key] = value
    return out
