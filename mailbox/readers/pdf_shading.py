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
from mailbox.readers.pdf_drawn import DrawnBoxes
from mailbox.readers.pdf_geometry import page_point, page_rect
from mailbox.rows import Header, parse_header
from mailbox.values import lists_options

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
    bold: list[bool] = field(default_factory=list)  # beside `words`: the run is in a bold font
    drawn: DrawnBoxes = field(default_factory=DrawnBoxes)  # check boxes drawn as lines

    def operand(self, op: bytes, args: Any, cm: Any, tm: Any) -> None:
        self.drawn.operand(op, args, cm)
        if op in (b"rg", b"g", b"k", b"sc", b"scn"):
            self.fill_white = _white(op, args)
        elif op == b"re" and len(args) == 4:
            self.pending.append(page_rect(cm, *(float(a) for a in args)))
        elif op in (b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"):
            if not self.fill_white:
                self.filled += [r for r in self.pending if _cell_sized(r)]
            self.pending = []
        elif op in (b"n", b"S", b"s"):
            self.pending = []

    def text(self, text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            x, y = page_point(cm, tm[4], tm[5])
            self.words.append((text.strip(), float(x), float(y)))
            self.bold.append(_bold(font))
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


def _cell_sized(rect: tuple[float, float, float, float]) -> bool:
    return MIN_CELL <= rect[2] <= MAX_CELL and MIN_CELL <= rect[3] <= MAX_HEIGHT


@dataclass
class Carried:
    """The answer columns of a table that runs on over pages without repeating its heading."""

    header: Header | None = None
    columns: dict[str, float] = field(default_factory=dict)  # page coordinates


def shaded_answers(page: Any, carried: Carried | None = None) -> dict[int, list[str]]:
    """Return, per question number on the page, the options whose cells are shaded."""
    seen = _seen(page)
    return {} if seen is None else _marks(seen, carried or Carried())[0]


def _seen(page: Any) -> _Page | None:
    seen = _Page()
    try:
        page.extract_text(visitor_operand_before=seen.operand, visitor_text=seen.text)
    except Exception:  # pypdf raises many kinds of error on a damaged page
        return None
    seen.filled += seen.drawn.ticked()  # a ticked drawn box marks its cell, as shading does
    return seen


Marks = dict[Any, list[str]]


def _marks(seen: _Page, carried: Carried) -> tuple[Marks, Marks]:
    """Return the options marked per question number; on a page that prints no numbers, per
    baseline (the y of the first line inside the marked cell) instead."""
    columns = carried.columns = _option_columns(seen.words) or carried.columns
    if len(columns) < 2 or not seen.filled:
        return {}, {}
    left = min(columns.values())
    numbers = [(int(t), y) for t, x, y in seen.words if re.fullmatch(r"\d{1,2}", t) and x < left]
    baselines = _baselines(seen.words)
    spacing = min(abs(a - b) for a in columns.values() for b in columns.values() if a != b)
    marks: Marks = {}
    by_line: Marks = {}
    for x, y, w, h in seen.filled:
        centre = x + w / 2
        option = min(columns, key=lambda c: abs(columns[c] - centre))
        if abs(columns[option] - centre) > spacing / 2 or w > 2 * spacing:
            continue  # a shaded cell elsewhere in the table (a label, a heading, a comment)
        if not numbers:
            # No question numbers: the cell's top line is its row's first (a word processor
            # puts a cell's text at its top), matched to the laid-out line by its words.
            inside = [b for b in baselines if y <= b <= y + h]
            if inside:
                found = by_line.setdefault(max(inside), [])
                found += [] if option in found else [option]
            continue
        beside = [number for number, baseline in numbers if y <= baseline <= y + h]
        if len(beside) != 1:
            continue  # beside no question, or a stripe down the column beside several
        found = marks.setdefault(beside[0], [])
        found += [] if option in found else [option]  # a cell may be filled twice

    # A row shaded in every answer column is table styling, not an answer.
    def real(found: Marks) -> Marks:
        return {k: opts for k, opts in found.items() if len(set(opts)) < len(columns)}

    return real(marks), real(by_line)


LINE_GAP = 2.0  # points: runs whose baselines differ less than this are on one line


def _baselines(words: list[tuple[str, float, float]]) -> list[float]:
    """Return the page's text lines as baselines, top first (runs a little off joined)."""
    out: list[float] = []
    for y in sorted({w[2] for w in words}, reverse=True):
        if not out or out[-1] - y >= LINE_GAP:
            out.append(y)
    return out


def _line_of(y: float, baselines: list[float]) -> float | None:
    return next((b for b in baselines if abs(b - y) < LINE_GAP), None)


def row_baselines(rows: list[Row], words: list[tuple[str, float, float]]) -> dict[int, float]:
    """Return the baseline of each laid-out row whose words are exactly one text line's.

    The layout text says where a row is in characters; the drawing says it in points. A row is
    matched only to a line with the very same words, in order down the page, never by guess.
    """
    baselines = _baselines(words)
    texts: dict[float, list[tuple[float, str]]] = {b: [] for b in baselines}
    for text, x, y in words:
        line = _line_of(y, baselines)
        if line is not None:
            texts[line].append((x, text))
    compact = ["".join("".join(t for _, t in sorted(texts[b])).split()) for b in baselines]
    out: dict[int, float] = {}
    k = 0
    for i, row in enumerate(rows):
        mine = "".join(row.text.split())
        for j in range(k, min(k + 4, len(baselines))):
            if compact[j] == mine:
                out[i], k = baselines[j], j + 1
                break
    return out


_CHOICE_WORD = re.compile(r"(yes|no|y|n|don'?t know|don'?t|dk|unknown|not known)", re.I)


def _picked(row: Row, seen: _Page, baseline: float | None) -> Row:
    """Return a row whose printed choices ("Yes / No / Don't know") pick one out in bold, as
    that one word; the row as it was when none, or more than one, is bold."""
    printed = [i for i, c in enumerate(row.cells) if lists_options(c.text)]
    if baseline is None or len(printed) != 1:
        return row
    choices = [
        (text, bold)
        for (text, _, y), bold in zip(seen.words, seen.bold, strict=True)
        if abs(y - baseline) < LINE_GAP and _CHOICE_WORD.fullmatch(text.replace("\u2019", "'"))
    ]
    picked = [text for text, bold in choices if bold]
    if len(choices) < 2 or len(picked) != 1:
        return row
    # "Don't" is all of "Don't know" that fits its line: the word wrapped in a narrow cell.
    word = (
        "Don't know"
        if re.fullmatch(r"don'?t", picked[0].replace("\u2019", "'"), re.I)
        else picked[0]
    )
    cells = list(row.cells)
    cells[printed[0]] = Cell(word, cells[printed[0]].x)
    return Row(tuple(cells), row.where)


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
    """Return a page's rows with an "X" put in each answer column whose cell is shaded, and
    printed choices reduced to the one in bold.

    `carried` keeps the heading of a table that runs on to the next page without it.
    """
    carried = carried or Carried()
    # Only a heading with answer columns will do: a merged row above it ("Risk factor |
    # Answer") is a heading too. The page's last one carries on to the next page.
    headers = [h for row in rows if (h := parse_header(row)) and _options(h) >= 2]
    header = headers[0] if headers else carried.header
    carried.header = headers[-1] if headers else carried.header
    printed = any(lists_options(c.text) for row in rows for c in row.cells)
    if header is None and not printed:
        return rows
    if header is not None and any(
        glyph_mark(c.text) is Mark.TICKED for row in rows for c in row.cells[1:]
    ):
        header = None  # the page's answers are written marks; no need to read its drawing
        if not printed:
            return rows
    seen = _seen(page)
    if seen is None:
        return rows
    lines = row_baselines(rows, seen.words)
    if printed:
        rows = [_picked(row, seen, lines.get(i)) for i, row in enumerate(rows)]
    if header is None:
        return rows
    marks, by_line = _marks(seen, carried)
    if not marks and not by_line:
        return rows
    out = []
    for i, row in enumerate(rows):
        options = by_line.get(lines[i], []) if i in lines and parse_header(row) is None else []
        out.append(_marked(row, header, marks, options))
    return out


def _options(header: Header) -> int:
    return sum(o in header for o in ("yes", "no", "dont_know"))


def _marked(row: Row, header: Header, marks: Marks, options: list[str]) -> Row:
    first = row.cells[0].text if row.cells else ""
    if re.fullmatch(r"\d{1,2}", first) and int(first) in marks:
        options = marks[int(first)]
    if not options:
        return row
    # A mark of its own, so the option words printed in every cell are not taken for ticks.
    added = tuple(Cell("X", header[o], Mark.TICKED) for o in options if o in header)
    return Row(row.cells + added, row.where)
