"""Input shapes of the staff admin API (the pages validate through the same service)."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class StaffIn(_Strict):
    email: Annotated[str, Field(min_length=1, max_length=254)]
    role: Annotated[str, Field(min_length=1, max_length=32)]


class StaffPatch(_Strict):
    role: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    active: bool | None = None
    reason: Annotated[str, Field(max_length=32)] | None = None
