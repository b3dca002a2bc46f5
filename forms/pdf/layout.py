"""Where things sit on the printed form: the one place the generator (generate.py) and the
reader of flattened copies (ticks.py) take their positions from.

Every checkbox and radio option is placed relative to its printed ``[T2a]`` code: the code is
drawn at the start of its row, its box ``dx`` points to the right of the code's origin and
``BOX_DY`` below its baseline. A reader finds the code on the page and looks in the box;
scaled copies ("fit to page") are measured through the code's font size.
No reportlab import here: the sandboxed reader loads this too.
"""
from __future__ import annotations

from typing import NamedTuple

from forms.pdf.fields import Field

PAGE_W, PAGE_H = 595.2755905511812, 841.8897637795277   # A4 in points
MARGIN = 36.0
LABEL_W = 255.0                      # code + label + colon column
FIELD_X = MARGIN + LABEL_W + 8
FIELD_W = PAGE_W - MARGIN - FIELD_X
FONT_SIZE = 8.5                      # of labels and of the bold [code]
LEADING = 10.5
BOX = 10.0                           # a checkbox or radio option is BOX x BOX points
BOX_GAP = 14.0                       # its left edge sits this far before its row's end
BOX_DY = -2.0                        # its bottom edge, from the code's baseline
BOOL_ROW_W = LABEL_W + 24            # a yes/no checkbox row ([T3]) is this wide
OPTION_COL_GAP = 6.0
OPTION_INDENT = 12.0


class Box(NamedTuple):
    """A rectangle in PDF user space (origin bottom-left)."""
    x0: float
    y0: float
    x1: float
    y1: float


def option_col_width() -> float:
    """Width of one of the two columns of checkboxes or radio options."""
    return (PAGE_W - 2 * MARGIN - OPTION_INDENT) / 2


def option_x(col: int) -> float:
    return MARGIN + OPTION_INDENT + col * (option_col_width() + OPTION_COL_GAP)


def row_width(field: Field) -> float:
    """Width of the row that holds one box of ``field`` (a bool, or one option)."""
    return BOOL_ROW_W if field.type == "bool" else option_col_width()


def check_box(x: float, baseline: float, width: float, scale: float = 1.0) -> Box:
    """The box of a row whose code is drawn at (x, baseline), the row ``width`` wide."""
    x0, y0 = x + scale * (width - BOX_GAP), baseline + scale * BOX_DY
    return Box(x0, y0, x0 + scale * BOX, y0 + scale * BOX)
