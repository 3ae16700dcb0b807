"""Place a fillable PDF's check boxes by where they sit, when their names say nothing.

A form designer's default names ("Check Box17") do not say which question or option a box is. Its
widget's position does: the column under a Yes / No / Don't know heading, the line of a numbered
question.
"""

from __future__ import annotations

import re
from typing import Any

from mailbox.readers.pdf_shading import _option_columns, _Page

Placed = dict[int, dict[str, bool]]  # question number -> option -> ticked
LINE = 8.0  # points: a box this far from a question's first line is not on it


def widgets(page: Any, names: set[str]) -> list[tuple[float, float, bool]]:
    """Return the centre and state of each named check-box widget on a page."""
    out = []
    for ref in page.get("/Annots") or []:
        annot = ref.get_object()
        name = annot.get("/T") or annot.get("/Parent", {}).get("/T")
        rect = annot.get("/Rect")
        if name is None or str(name) not in names or rect is None or len(rect) != 4:
            continue
        x0, y0, x1, y1 = (float(v) for v in rect)
        state = annot.get("/AS") or annot.get("/V")
        out.append(((x0 + x1) / 2, (y0 + y1) / 2, state is not None and str(state) != "/Off"))
    return out


def placed(page: Any, boxes: list[tuple[float, float, bool]]) -> Placed:
    """Return the options each numbered question's boxes mark, by their position on the page."""
    seen = _Page()
    try:
        page.extract_text(visitor_operand_before=seen.operand, visitor_text=seen.text)
    except Exception:  # pypdf raises many kinds of error on a damaged page
        return {}
    columns = _option_columns(seen.words)
    numbers = [
        (int(m[1]), y) for t, x, y in seen.words if (m := re.match(r"^(\d{1,2})[.)]?(\s|$)", t))
    ]
    if len(columns) < 2 or not numbers:
        return {}
    spacing = min(abs(a - b) for a in columns.values() for b in columns.values() if a != b)
    found: Placed = {}
    for x, y, on in boxes:
        option = min(columns, key=lambda c: abs(columns[c] - x))
        number, baseline = min(numbers, key=lambda n: abs(n[1] - y))
        if abs(columns[option] - x) > spacing / 2 or abs(baseline - y) > LINE:
            continue  # a box beside no heading or no question: not an answer we can place
        found.setdefault(number, {})[option] = on or found.get(number, {}).get(option, False)
    return found
