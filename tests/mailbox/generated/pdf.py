"""Hand-written PDFs of a case: a printed (flat) form with text at positions, and a fillable one."""

from __future__ import annotations

import textwrap
from typing import Any

from tests.mailbox.builders import REFERRAL, pdf_bytes
from tests.mailbox.generated.layouts import CODE, SPAN, Cell, Tick, tables, text_tick, title
from tests.mailbox.generated.spec import Case

CHAR = 5.4  # Courier 9 pt: every character is this wide
WIDTH = {"#": 4, "q": 56, "Y": 6, "N": 6, "D": 11, "c": 18, "a": 11}
ASCII = str.maketrans(
    {"✓": "X", "✔": "X", "☒": "X", "☐": "", "■": "X", "●": "X", "○": "", "–": "-", "’": "'"}
)
Line = tuple[float, float, str]


def _x_positions(columns: list[str]) -> list[float]:
    xs, x = [], 40.0
    for c in columns:
        xs.append(x)
        x += (WIDTH[c] + 2) * CHAR
    return xs


def _text(cell: Cell) -> str:
    return (cell if isinstance(cell, str) else text_tick(cell)).translate(ASCII)


def _table_lines(case: Case, table: list[list[Cell]], y: float) -> tuple[list[Line], float]:
    columns = case.columns.split()
    xs = _x_positions(columns)
    lines: list[Line] = []
    for row in table:
        height = 1
        for col, x, cell in zip(columns, xs, row, strict=True):
            if cell == SPAN:
                continue
            text = _text(cell)
            # A question wraps in its column; a merged heading runs on over the cells it spans.
            wrapped = (
                textwrap.wrap(text, WIDTH[col]) if col == "q" and isinstance(cell, str) else [text]
            )
            for k, part in enumerate(wrapped):
                if part:
                    lines.append((x, y - 10 * k, part))
            height = max(height, len(wrapped))
        y -= 10 * height + 2
    return lines, y


def flat_pdf(case: Case) -> bytes:
    """Return the form as a word processor prints it: text at positions, no fields."""
    lines: list[Line] = [(40, 815, "MARAC Referral Form")]
    y = 800.0
    for label, value in REFERRAL:
        lines += [(40, y, label), (250, y, value)]
        y -= 10
    y -= 6
    if case.shape != "merged":
        lines.append((40, y, title(case)))
        y -= 10
    if case.instrument == "dash":
        lines.append((40, y, "Date completed: 01/03/2026"))
        y -= 12
    for table in tables(case):
        more, y = _table_lines(case, table, y)
        lines += more
        y -= 8
    return pdf_bytes(lines)


def _box_names(case: Case, n: int) -> dict[str, str]:
    """Return the check-box field name for each option of question n, in one of three schemes."""
    scheme = case.seed % 3
    if scheme == 0:
        return {"yes": f"Q{n}_Yes", "no": f"Q{n}_No", "dont_know": f"Q{n}_DK"}
    if scheme == 1:
        return {o: f"DASH{n:02d}{CODE[o]}" for o in ("yes", "no", "dont_know")}
    return {"yes": f"Risk.{n}.Y", "no": f"Risk.{n}.N", "dont_know": f"Risk.{n}.Unknown"}


def fields_pdf(case: Case) -> bytes:
    """Return a fillable PDF: text fields for the details, boxes or radio groups for answers."""
    fields: list[dict[str, Any]] = [
        {"name": label.replace(" ", ""), "type": "text", "value": value, "label": label}
        for label, value in REFERRAL
    ]
    for n, answer in enumerate(case.given, start=1):
        if case.format == "pdf_radio":
            value = {"yes": "Yes", "no": "No", "dont_know": "DK"}.get(answer or "", "Off")
            name = f"Q{n}" if case.seed % 2 else f"Question {n}"
            fields.append({"name": name, "type": "radio", "value": value})
            continue
        for option, name in _box_names(case, n).items():
            fields.append({"name": name, "type": "box", "value": answer == option})
    lines: list[Line] = [(40, 815, "MARAC Referral Form"), (40, 700, title(case))]
    y = 685.0
    for n, q in enumerate(case.questions, start=1):
        for k, part in enumerate(textwrap.wrap(f"{n}. {q}", 90)):
            lines.append((40 if k == 0 else 52, y, part))
            y -= 9
    return pdf_bytes(lines, fields)


__all__ = ["Tick", "fields_pdf", "flat_pdf"]
