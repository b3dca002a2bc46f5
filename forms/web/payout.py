"""Payout details on the web forms (issue 17): the application form's optional section and
the form on the status page (forms/templates/public/_payout.html).

Only the chosen rail's fields are kept: what she typed for another way of being paid is
dropped, not refused. Error messages are the msgids of models/money/payout_rules.py.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from forms.web.schema import PAYOUT, N_
from models.money.payout_rules import RAIL_FIELDS, REQUIRED

SAVED = N_("Thank you. Your payment details were saved.")
CHECK = N_("Please check the payment details below.")


def trim_payout(app: dict[str, Any]) -> None:
    """Drop an empty payout; keep only the fields of the rail chosen."""
    payout = app.get("payout")
    if not isinstance(payout, dict):
        return
    rail = payout.get("rail")
    if rail in RAIL_FIELDS:
        app["payout"] = {"rail": rail, **{k: v for k, v in payout.items()
                                          if k in RAIL_FIELDS[rail]}}
    elif not any(v for k, v in payout.items() if k != "rail"):
        app.pop("payout")


def posted_payout(form: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """(what she typed, field name -> value, kept to show again; the payout for the API)."""
    values: dict[str, str] = {}
    for field in PAYOUT.fields:
        raw = form.get(field.name, "")
        values[field.name] = raw.strip()[:400] if isinstance(raw, str) else ""
    app: dict[str, Any] = {"payout": {k.removeprefix("payout."): v
                                      for k, v in values.items() if v}}
    trim_payout(app)
    return values, app.get("payout") or {}


def field_errors(fields: dict[str, str]) -> dict[str, str]:
    """`payout.iban` -> msgid, as the Invalid of models.money.payout names them."""
    return {k: v for k, v in fields.items() if k.startswith("payout.")}


def rail_fields(rail: str, providers: list[dict[str, str]] | None = None) -> list[Any]:
    """The WebFields of one rail, in the form's order; the providers of her country only."""
    names = {f"payout.{name}" for name in RAIL_FIELDS.get(rail, ())}
    out = []
    for f in PAYOUT.fields:
        if f.name == "payout.provider" and providers is not None:
            f = replace(f, options=(f.options[0], *((p["code"], p["name"]) for p in providers)))
        if f.name in names:
            out.append(replace(f, required=f.name.removeprefix("payout.") in REQUIRED[rail]))
    return out


def install(env: Any) -> None:
    """Templates call `payout_fields(rail)` (forms/templates/public/_payout.html)."""
    env.globals["payout_fields"] = rail_fields
