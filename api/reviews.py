"""Routes of the reviews area (filled in by the area's work)."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["reviews"])
