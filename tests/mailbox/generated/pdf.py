"""Hand-written PDFs of a case: a printed (flat) form with text at positions, and a fillable one."""

from __future__ import annotations

import textwrap
from typing import Any

from tests.mailbox.builders import REFERRAL, pdf_bytes
from tests.mailbox.generated.layouts import CODE, OPTION, SPAN, Cell, Tick, tables, text_tick, title
from tests.mailbox.generated.spec import Case

CHAR = 5.4  # Courier 9 pt: every character is this wide
WIDTH = {"#": 4, "q": 56, "Y": 6, "N": 6, "D": 11, "c": 18, "a": 11}
ASCII = str.maketrans(
    {"✓": "X", "✔": "X", "☒": "X", "☐": "", "■": "X", "●": "X", "○": "", "–": "-", "’": "'"}
)
Line = tuple[float, float, str]
OPTIONS = tuple(OPTION.values())


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
    """Return the check-box field name for each option of question n, in one of four schemes."""
    scheme = case.seed % 4
    if scheme == 3:  # the designer's default names, numbered in order: nothing says which question
        return {o: f"Check Box{3 * (n - 1) + k + 1}" for k, o in enumerate(OPTIONS)}
    if scheme == 0:
        return {"yes": f"Q{n}_Yes", "no": f"Q{n}_No", "dont_know": f"Q{n}_DK"}
    if scheme == 1:
        return {o: f"DASH{n:02d}{CODE[o]}" for o in ("yes", "no", "dont_know")}
    return {"yes": f"Risk.{n}.Y", "no": f"Risk.{n}.N", "dont_know": f"Risk.{n}.Unknown"}


def fields_pdf(case: Case) -> bytes:
    """Return a fillable PDF: text fields for the details, boxes or radio groups for answers.

    The questions are numbered lines under a Yes / No / DK heading, each box on its question's
    line under its option, as a form designer lays them out.
    """
    fields: list[dict[str, Any]] = [
        {"name": label.replace(" ", ""), "type": "text", "value": value, "label": label}
        for label, value in REFERRAL
    ]
    lines: list[Line] = [(40, 815, "MARAC Referral Form"), (40, 710, title(case))]
    lines += [(x, 695, word) for x, word in zip(BOX_X, ("Yes", "No", "DK"), strict=True)]
    y = 680.0
    for n, (q, answer) in enumerate(zip(case.questions, case.given, strict=True), start=1):
        fields += _answer_fields(case, n, answer, y)
        for k, part in enumerate(textwrap.wrap(f"{n}. {q}", 70)):
            lines.append((40 if k == 0 else 52, y, part))
            y -= 9
        y -= 3
    return pdf_bytes(lines, fields)


BOX_X = (430.0, 470.0, 510.0)  # the Yes, No and DK columns


def _answer_fields(case: Case, n: int, answer: str | None, y: float) -> list[dict[str, Any]]:
    if case.format == "pdf_radio":
        value = {"yes": "Yes", "no": "No", "dont_know": "DK"}.get(answer or "", "Off")
        name = f"Q{n}" if case.seed % 2 else f"Question {n}"
        return [{"name": name, "type": "radio", "value": value, "at": (BOX_X[0], y - 2)}]
    return [
        {"name": name, "type": "box", "value": answer == option, "at": (x, y - 2)}
        for x, (option, name) in zip(BOX_X, _box_names(case, n).items(), strict=True)
    ]


__all__ = ["Tick", "fields_pdf", "flat_pdf"]
