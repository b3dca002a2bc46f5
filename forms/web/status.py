"""Pages of the status area (filled in by the area's work)."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
