"""Check boxes drawn as lines in a printed PDF: a stroked square, and a cross or tick inside it.

LibreOffice prints Word's legacy check boxes (FORMCHECKBOX) this way. Nothing in the text layer
marks a ticked box: the tick is only the two strokes drawn inside it. A box found ticked here is
handed to `pdf_shading` as a marked cell, which places it under the answer headings and beside
its question, as it places a shaded cell. An empty box is no mark, and a box with one stroke in
it (a slash, a dash) is not taken for a tick either: that answer stays unread, for a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mailbox.readers.pdf_geometry import Point, Rect, page_point, page_rect

Segment = tuple[Point, Point]

MIN_BOX, MAX_BOX = 5.0, 20.0  # points: a check box, not a table cell or a rule
SQUARE = 2.0  # points by which a box's sides may differ
STRAY = 1.5  # points by which a stroke's ends may stray outside its box
MIN_STROKES = 2  # a cross is two strokes, a tick drawn as one path two segments
# Strokes short enough to lie in a box are filed by a grid this coarse (points), so a page of
# many thousand lines costs a look at the few cells around each box, not every stroke per box.
_GRID = MAX_BOX + 2 * STRAY
_STROKE = (b"S", b"s", b"B", b"B*", b"b", b"b*")
_NO_STROKE = (b"n", b"f", b"F", b"f*")


@dataclass
class DrawnBoxes:
    """Watch a page's path operators (a pypdf `visitor_operand_before`) for drawn boxes."""

    boxes: list[Rect] = field(default_factory=list)
    strokes: dict[tuple[int, int], list[Segment]] = field(default_factory=dict)  # by _grid cell
    _rects: list[Rect] = field(default_factory=list)
    _segments: list[Segment] = field(default_factory=list)
    _at: Point | None = None

    def operand(self, op: bytes, args: Any, cm: Any) -> None:
        try:
            numbers = [float(a) for a in args]
        except (TypeError, ValueError):
            return  # a damaged operator: drawing nothing we can place
        if op == b"re" and len(numbers) == 4:
            self._rects.append(page_rect(cm, *numbers))
        elif op == b"m" and len(numbers) == 2:
            self._at = page_point(cm, *numbers)
        elif op == b"l" and len(numbers) == 2 and self._at is not None:
            to = page_point(cm, *numbers)
            self._segments.append((self._at, to))
            self._at = to
        elif op in _STROKE:
            self.boxes += [r for r in self._rects if _box_sized(r)]
            for stroke in self._segments:
                if _span(stroke) <= _GRID:
                    self.strokes.setdefault(_grid(stroke[0]), []).append(stroke)
            self._clear()
        elif op in _NO_STROKE:
            self._clear()

    def ticked(self) -> list[Rect]:
        """Return the boxes with a cross or a tick stroked inside them: two strokes or more,
        each a quarter of the box or longer (a tick's short leg), one at least half of it."""
        ticked = []
        for box in self.boxes:
            spans = [_span(s) for s in self._near(box) if _inside(s, box)]
            side = min(box[2], box[3])
            marks = [span for span in spans if span >= side / 4]
            if len(marks) >= MIN_STROKES and max(marks) >= side / 2:
                ticked.append(box)
        return ticked

    def _near(self, box: Rect) -> list[Segment]:
        x, y, w, h = box
        (left, bottom), (right, top) = (
            _grid((x - STRAY, y - STRAY)),
            _grid((x + w + STRAY, y + h + STRAY)),
        )
        return [
            stroke
            for gx in range(left, right + 1)
            for gy in range(bottom, top + 1)
            for stroke in self.strokes.get((gx, gy), [])
        ]

    def _clear(self) -> None:
        self._rects, self._segments, self._at = [], [], None


def _grid(point: Point) -> tuple[int, int]:
    return int(point[0] // _GRID), int(point[1] // _GRID)


def _box_sized(rect: Rect) -> bool:
    _, _, w, h = rect
    return MIN_BOX <= w <= MAX_BOX and MIN_BOX <= h <= MAX_BOX and abs(w - h) <= SQUARE


def _inside(stroke: Segment, box: Rect) -> bool:
    """Tell whether both ends of a stroke lie inside the box."""
    x, y, w, h = box
    return all(
        x - STRAY <= px <= x + w + STRAY and y - STRAY <= py <= y + h + STRAY for px, py in stroke
    )


def _span(stroke: Segment) -> float:
    (ax, ay), (bx, by) = stroke
    return max(abs(bx - ax), abs(by - ay))
