"""Find answers marked by shading a table cell in a printed (flattened) PDF checklist.

Text extraction cannot see a shaded cell, so this reads the page's drawing: filled, non-white
rectangles the size of a cell, placed by their centre under the Yes / No / Don't know headings
and beside a question number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mailbox.grid import Cell, Mark, Row, glyph_mark
from mailbox.rows import Header, parse_header

OPTION_WORDS = {
    "yes": "yes",
    "y": "yes",
    "no": "no",
    "n": "no",
    "don't": "dont_know",
    "dk": "dont_know",
    "unknown": "dont_know",
}
MIN_CELL, MAX_CELL = 5.0, 200.0  # points: smaller is a border line, wider a whole panel
# A long question makes its row tall: its answer cells may be most of a page high (a stripe
# down a column is told apart by the several question numbers beside it).
MAX_HEIGHT = 700.0


@dataclass
class _Page:
    fill_white: bool = True
    pending: list[tuple[float, float, float, float]] = field(default_factory=list)
    filled: list[tuple[float, float, float, float]] = field(default_factory=list)
    words: list[tuple[str, float, float]] = field(default_factory=list)

    def operand(self, op: bytes, args: Any, cm: Any, tm: Any) -> None:
        if op in (b"rg", b"g", b"k", b"sc", b"scn"):
            self.fill_white = _white(op, args)
        elif op == b"re" and len(args) == 4:
            self.pending.append(_transform(cm, *(float(a) for a in args)))
        elif op in (b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"):
            if not self.fill_white:
                self.filled += [r for r in self.pending if _cell_sized(r)]
            self.pending = []
        elif op in (b"n", b"S", b"s"):
            self.pending = []

    def text(self, text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            self.words.append((text.strip(), float(x), float(y)))
            if _bold(font) and OPTION_WORDS.get(text.strip().lower().split(" ")[0]):
                # An option word in bold among plain ones is picked out, as a shaded cell is.
                self.filled.append((float(x), float(y) - 2, 5.0 * len(text.strip()), 10.0))


def _bold(font: Any) -> bool:
    try:
        name = str(font.get("/BaseFont", "")) if font is not None else ""
    except AttributeError:
        return False
    return bool(re.search(r"bold|black|heavy", name, re.I))


def _white(op: bytes, args: Any) -> bool:
    values = [float(a) for a in args if isinstance(a, int | float)]
    if op == b"k":
        return all(v <= 0.02 for v in values)
    return bool(values) and all(v >= 0.98 for v in values)


def _transform(
    cm: Any, x: float, y: float, w: float, h: float
) -> tuple[float, float, float, float]:
    x0, y0 = x * cm[0] + y * cm[2] + cm[4], x * cm[1] + y * cm[3] + cm[5]
    return min(x0, x0 + w * cm[0]), min(y0, y0 + h * cm[3]), abs(w * cm[0]), abs(h * cm[3])


def _cell_sized(rect: tuple[float, float, float, float]) -> bool:
    return MIN_CELL <= rect[2] <= MAX_CELL and MIN_CELL <= rect[3] <= MAX_HEIGHT


@dataclass
class Carried:
    """The answer columns of a table that runs on over pages without repeating its heading."""

    header: Header | None = None
    columns: dict[str, float] = field(default_factory=dict)  # page coordinates


def shaded_answers(page: Any, carried: Carried | None = None) -> dict[int, list[str]]:
    """Return, per question number on the page, the options whose cells are shaded."""
    carried = carried or Carried()
    seen = _Page()
    try:
        page.extract_text(visitor_operand_before=seen.operand, visitor_text=seen.text)
    except Exception:  # pypdf raises many kinds of error on a damaged page
        return {}
    columns = carried.columns = _option_columns(seen.words) or carried.columns
    if len(columns) < 2 or not seen.filled:
        return {}
    left = min(columns.values())
    numbers = [(int(t), y) for t, x, y in seen.words if re.fullmatch(r"\d{1,2}", t) and x < left]
    spacing = min(abs(a - b) for a in columns.values() for b in columns.values() if a != b)
    marks: dict[int, list[str]] = {}
    for x, y, w, h in seen.filled:
        centre = x + w / 2
        option = min(columns, key=lambda c: abs(columns[c] - centre))
        if abs(columns[option] - centre) > spacing / 2 or w > 2 * spacing:
            continue  # a shaded cell elsewhere in the table (a label, a heading, a comment)
        beside = [number for number, baseline in numbers if y <= baseline <= y + h]
        if len(beside) != 1:
            continue  # beside no question, or a stripe down the column beside several
        found = marks.setdefault(beside[0], [])
        found += [] if option in found else [option]  # a cell may be filled twice
    # A row shaded in every answer column is table styling, not an answer.
    return {n: opts for n, opts in marks.items() if len(set(opts)) < len(columns)}


def _option_columns(words: list[tuple[str, float, float]]) -> dict[str, float]:
    """Return the x of each answer heading (Yes, No, Don't know) on the page's header line."""
    lines: dict[int, dict[str, float]] = {}
    for text, x, y in words:
        option = OPTION_WORDS.get(text.lower().split(" ")[0])
        if option and len(text) <= 12:
            line = lines.setdefault(round(y), {})
            # The rightmost "No" of "No | Question | Yes | No" is the answer column.
            middle = x + 2.5 * len(text)
            line[option] = max(line.get(option, middle), middle)
    headers = [line for _, line in sorted(lines.items(), reverse=True) if len(line) >= 2]
    return headers[0] if headers else {}


def with_shading(rows: list[Row], page: Any, carried: Carried | None = None) -> list[Row]:
    """Return a page's rows with an "X" put in each answer column whose cell is shaded.

    `carried` keeps the heading of a table that runs on to the next page without it.
    """
    carried = carried or Carried()
    # Only a heading with answer columns will do: a merged row above it ("Risk factor |
    # Answer") is a heading too. The page's last one carries on to the next page.
    headers = [h for row in rows if (h := parse_header(row)) and _options(h) >= 2]
    header = headers[0] if headers else carried.header
    carried.header = headers[-1] if headers else carried.header
    if header is None:
        return rows
    if any(glyph_mark(c.text) is Mark.TICKED for row in rows for c in row.cells[1:]):
        return rows  # the page's answers are written marks; no need to read its drawing
    marks = shaded_answers(page, carried)
    if not marks:
        return rows
    return [_marked(row, header, marks) for row in rows]


def _options(header: Header) -> int:
    return sum(o in header for o in ("yes", "no", "dont_know"))


def _marked(row: Row, header: Header, marks: dict[int, list[str]]) -> Row:
    first = row.cells[0].text if row.cells else ""
    if not re.fullmatch(r"\d{1,2}", first) or int(first) not in marks:
        return row
    # A mark of its own, so the option words printed in every cell are not taken for ticks.
    added = tuple(Cell("X", header[o], Mark.TICKED) for o in marks[int(first)] if o in header)
    return Row(row.cells + added, row.where)
