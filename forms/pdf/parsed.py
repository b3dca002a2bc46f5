"""The result of reading a PDF form, kept free of heavy imports so the API can use it."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ParsedForm:
    application: dict[str, Any]                 # the CONTRACT.md application shape
    missing: list[str] = field(default_factory=list)        # required dotted paths absent
    invalid: dict[str, str] = field(default_factory=dict)   # dotted path -> English message
    source: str = "fields"                      # "fields" (AcroForm) or "text" (typed copy)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ParsedForm":
        return cls(
            application=dict(data["application"]),
            missing=[str(p) for p in data.get("missing", [])],
            invalid={str(k): str(v) for k, v in data.get("invalid", {}).items()},
            source=str(data.get("source", "fields")),
        )
