"""Ticks drawn on a flattened copy of the form: which checkboxes and radio options are marked.

When a viewer "prints to PDF" or a phone saves a filled form, the fields become drawings: a
tick is a path or a glyph inside the box, and the text holds nothing to read it by. Every box
sits at a fixed place from its printed ``[T2a]`` code (layout.py, shared with the generator),
so we find each code on the page, scale by its font size, and look inside its box.

A box holds its own frame (a square or a circle, and its fill); a mark is anything else in it:
a glyph, a drawing clearly smaller than the frame, or a slanted line (a cross). A page "shows our boxes" when at least
one box has something in it; otherwise (a retyped copy) we give no answer and the text rules.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field
from typing import Any, Iterable

from forms.pdf.fields import Field, codes_for
from forms.pdf.layout import FONT_SIZE, Box, check_box, row_width

MAX_OBJECTS = 20_000      # glyphs and drawings looked at per page; our form has ~1,500
SLACK = 0.6               # points (scaled) an object may stick out of its box
FRAME = 0.85              # an object this close to the box's largest one is its frame
CODE_RE = re.compile(r"\[([A-Z]\d{1,2}[a-z]?)\]")


@dataclass
class Drawn:
    ticks: dict[str, bool] = dc_field(default_factory=dict)   # box code -> ticked
    boxes: list[list[Box]] = dc_field(default_factory=list)   # per page, the boxes looked in


def drawn_ticks(pages: Iterable[Any], kind: str) -> Drawn:
    """What is drawn in each box of a flattened copy; no ticks for a typed copy."""
    fields = {code: field for code, (field, choice) in codes_for(kind).items()
              if choice is not None or field.type == "bool"}
    drawn = Drawn()
    for page in pages:
        ticks, boxes = _page_ticks(page, fields)
        drawn.ticks.update(ticks)
        drawn.boxes.append(boxes)
    return drawn


def without_boxes(page: Any, boxes: list[Box]) -> Any:
    """The page without the glyphs drawn in its boxes: a tick drawn as a letter ('3' in
    ZapfDingbats, as MuPDF does) would otherwise be read as text after a nearby colon."""
    if not boxes:
        return page
    return page.filter(lambda obj: obj.get("object_type") != "char"
                       or not any(_centre_in(obj, box) for box in boxes))


def _page_ticks(page: Any, fields: dict[str, Field]) -> tuple[dict[str, bool], list[Box]]:
    """``({code: ticked}, boxes)`` of one page; nothing when no box of ours is drawn on it."""
    chars = page.chars[:MAX_OBJECTS]
    shapes = (page.rects + page.curves + page.lines)[:MAX_OBJECTS]
    boxes = dict(_boxes(chars, fields))
    verdicts: dict[str, bool | None] = {code: _ticked(box, chars, shapes)
                                        for code, box in boxes.items()}
    if all(v is None for v in verdicts.values()):
        return {}, []  # no box drawn where ours would be: not a copy of our printed form
    return {code: bool(v) for code, v in verdicts.items()}, list(boxes.values())


def _boxes(chars: list[dict[str, Any]], fields: dict[str, Field]) -> Iterable[tuple[str, Box]]:
    """Each box code on the page with the box it points to."""
    text = "".join(str(c.get("text", ""))[:1] or " " for c in chars)
    for match in CODE_RE.finditer(text):
        field = fields.get(match.group(1))
        if field is None:
            continue
        first = chars[match.start()]
        a, b, _c, _d, x, baseline = first["matrix"]
        if abs(b) > 1e-3:  # a rotated copy: positions mean nothing here
            continue
        scale = float(first["size"]) / FONT_SIZE
        yield match.group(1), check_box(float(x), float(baseline), row_width(field), scale)


def _centre_in(obj: dict[str, Any], box: Box) -> bool:
    mid_x, mid_y = (obj["x0"] + obj["x1"]) / 2, (obj["y0"] + obj["y1"]) / 2
    return box.x0 <= mid_x <= box.x1 and box.y0 <= mid_y <= box.y1


def _inside(obj: dict[str, Any], box: Box, slack: float) -> bool:
    return (obj["x0"] >= box.x0 - slack and obj["x1"] <= box.x1 + slack
            and obj["y0"] >= box.y0 - slack and obj["y1"] <= box.y1 + slack)


def _ticked(box: Box, chars: list[dict[str, Any]], shapes: list[dict[str, Any]]) -> bool | None:
    """True: marked; False: only its frame; None: nothing drawn there at all."""
    slack = SLACK * (box.x1 - box.x0) / 10
    if any(str(c.get("text", "")).strip() and _centre_in(c, box) for c in chars):
        return True
    inside = [s for s in shapes if _inside(s, box, slack)]
    if not inside:
        return None
    frame = max(max(s["x1"] - s["x0"], s["y1"] - s["y0"]) for s in inside)
    return any(max(s["x1"] - s["x0"], s["y1"] - s["y0"]) < FRAME * frame or _diagonal(s, frame)
               for s in inside)


def _diagonal(shape: dict[str, Any], frame: float) -> bool:
    """A slanted line (one stroke of a cross drawn corner to corner): never part of a frame."""
    return (shape.get("object_type") == "line" and shape["x1"] - shape["x0"] > frame / 2
            and shape["y1"] - shape["y0"] > frame / 2)
