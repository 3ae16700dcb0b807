"""Split laid-out text lines into positioned cells (columns are runs of two or more spaces)."""

from __future__ import annotations

import re

from mailbox.grid import Cell, Row


def line_cells(line: str) -> tuple[Cell, ...]:
    """Return a line's text runs, each at its character offset."""
    return tuple(
        Cell(m.group(0).strip(), float(m.start())) for m in re.finditer(r"\S+(?: \S+)*", line)
    )


def text_rows(text: str, where: str, columns: bool) -> list[Row]:
    """Return one row per non-blank line; with `columns`, split each line into cells."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = line_cells(line) if columns else (Cell(" ".join(line.split()), 0.0),)
        rows.append(Row(cells, f"{where} line {number}"))
    return rows
