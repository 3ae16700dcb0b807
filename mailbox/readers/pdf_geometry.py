"""Where a page's drawing lands: operands in user space, through the current matrix, in points."""

from __future__ import annotations

from typing import Any

Rect = tuple[float, float, float, float]  # x, y, width, height, in page points
Point = tuple[float, float]


def page_point(cm: Any, x: float, y: float) -> Point:
    """Return (x, y) through the matrix `cm` (a b c d e f)."""
    return x * cm[0] + y * cm[2] + cm[4], x * cm[1] + y * cm[3] + cm[5]


def page_rect(cm: Any, x: float, y: float, w: float, h: float) -> Rect:
    """Return an `re` rectangle on the page: its corner through `cm`, its sides scaled by it."""
    x0, y0 = page_point(cm, x, y)
    return min(x0, x0 + w * cm[0]), min(y0, y0 + h * cm[3]), abs(w * cm[0]), abs(h * cm[3])
