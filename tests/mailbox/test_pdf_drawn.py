"""Check boxes drawn as lines: a cross or a tick inside a stroked square is a tick; nothing else."""

from __future__ import annotations

import pytest

from mailbox.readers.pdf_drawn import DrawnBoxes

IDENTITY = [1, 0, 0, 1, 0, 0]


def _draw(*ops: tuple[bytes, list[float]], cm: list[float] = IDENTITY) -> DrawnBoxes:
    drawn = DrawnBoxes()
    for op, args in ops:
        drawn.operand(op, args, cm)
    return drawn


def _box(x: float, y: float, side: float = 11.8) -> list[tuple[bytes, list[float]]]:
    return [(b"re", [x, y, side, side]), (b"S", [])]


def _cross(x: float, y: float, side: float = 11.8) -> list[tuple[bytes, list[float]]]:
    return [
        *((b"m", [x, y + side]), (b"l", [x + side, y]), (b"S", [])),
        *((b"m", [x + side, y + side]), (b"l", [x, y]), (b"S", [])),
    ]


def test_a_box_with_a_cross_is_ticked_and_an_empty_one_is_not() -> None:
    # As LibreOffice prints Word's check boxes: three boxes on a row, the middle one crossed.
    drawn = _draw(*_box(234.45, 707.7), *_box(306.5, 707.7), *_cross(306.5, 707.7))
    assert drawn.ticked() == [pytest.approx((306.5, 707.7, 11.8, 11.8))]


def test_a_tick_drawn_as_one_path_of_two_strokes_counts() -> None:
    tick = [(b"m", [102.0, 105.0]), (b"l", [105.0, 101.5]), (b"l", [110.0, 110.0]), (b"S", [])]
    assert _draw(*_box(100, 100, 11), *tick).ticked() == [(100, 100, 11, 11)]


def test_one_stroke_a_dot_or_strokes_elsewhere_are_no_tick() -> None:
    slash = [(b"m", [100.0, 111.0]), (b"l", [111.0, 100.0]), (b"S", [])]
    dots = [(b"m", [105.0, 105.0]), (b"l", [106.0, 106.0]), (b"l", [105.0, 106.0]), (b"S", [])]
    assert _draw(*_box(100, 100, 11), *slash).ticked() == []
    assert _draw(*_box(100, 100, 11), *dots).ticked() == []
    assert _draw(*_box(100, 100, 11), *_cross(200, 100, 11)).ticked() == []


def test_cells_rules_and_unstroked_squares_are_not_boxes() -> None:
    cell = [(b"re", [100.0, 100.0, 60.0, 14.0]), (b"S", []), *_cross(100, 100, 14)]
    filled = [(b"re", [100.0, 100.0, 11.0, 11.0]), (b"f", []), *_cross(100, 100, 11)]
    assert _draw(*cell).ticked() == []
    assert _draw(*filled).ticked() == []


def test_the_page_transform_places_the_box() -> None:
    # Drawn at half size from the top-left corner (a flipped, scaled matrix, as some producers do).
    drawn = _draw(*_box(20, 20, 22), *_cross(20, 20, 22), cm=[0.5, 0, 0, -0.5, 0, 800])
    assert drawn.ticked() == [pytest.approx((10.0, 779.0, 11.0, 11.0))]


def test_damaged_operands_draw_nothing() -> None:
    damaged: list[tuple[bytes, list[object]]] = [(b"re", ["x", 1, 2, 3]), (b"m", [None])]
    drawn = _draw(*damaged, (b"l", [1.0, 2.0]), (b"S", []))  # type: ignore[arg-type]
    assert drawn.ticked() == [] and drawn.boxes == []


def test_boxes_find_their_strokes_among_many_across_grid_cells() -> None:
    # Strokes are filed by a coarse grid; a box astride four cells still finds its cross, and
    # thousands of short lines elsewhere on the page (a hatched drawing) tick nothing.
    hatching = [
        op for i in range(2000) for op in ((b"m", [300.0 + i % 50, 300.0]), (b"l", [300.0, 310.0]))
    ]
    corner = 23.0 * 4 - 5  # a box from x 87 to 98, across the grid's line at 92
    drawn = _draw(*hatching, (b"S", []), *_box(corner, corner, 11), *_cross(corner, corner, 11))
    assert drawn.ticked() == [pytest.approx((corner, corner, 11, 11))]
