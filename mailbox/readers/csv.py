"""Read a CSV attachment: each record a row, each field a cell at its column."""

from __future__ import annotations

import csv
import io

from mailbox.grid import Cell, Document, Row
from mailbox.safety import UnreadablePart

MAX_ROWS = 2000
MAX_COLUMNS = 30


def read_csv(name: str, text: str) -> Document:
    """Read comma-, semicolon- or tab-separated text into rows of cells."""
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # one column, or too little to tell: commas
    doc = Document(name)
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            if number > MAX_ROWS:
                break
            cells = tuple(
                Cell(value.strip(), float(column))
                for column, value in enumerate(record[:MAX_COLUMNS])
                if value.strip()
            )
            if cells:
                doc.rows.append(Row(cells, f"{name} row {number}"))
    except csv.Error as exc:  # a NUL, an over-long field: not a form we can read
        raise UnreadablePart(f"not readable as CSV: {exc}") from exc
    return doc
