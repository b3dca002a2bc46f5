"""Arabic for reportlab: joined letter forms (arabic-reshaper) in visual order (python-bidi).

Both packages are optional: without them the form prints English labels on Arabic forms,
because unshaped Arabic would print as separate letters in the wrong order.
"""
from __future__ import annotations

try:
    import arabic_reshaper
    from bidi import get_display
    HAVE_SHAPING = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_SHAPING = False

# python-bidi reorders but does not mirror brackets; all of ours sit inside Arabic runs.
MIRROR = str.maketrans("()[]«»", ")(][»«")


def visual(line: str) -> str:
    """One line of Arabic as reportlab must draw it (left to right, letters joined)."""
    if not HAVE_SHAPING:
        return line
    return get_display(arabic_reshaper.reshape(line)).translate(MIRROR)
