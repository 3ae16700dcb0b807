"""Read an Excel .xlsx workbook: every sheet's rows, cells at their column index."""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from typing import Any

from mailbox.grid import Cell, Document, Row
from mailbox.safety import UnreadablePart, open_zip, parse_xml, read_member

MAX_ROWS = 2000
MAX_COLUMNS = 30


def read_xlsx(name: str, data: bytes) -> Document:
    """Read a workbook's values (not formulas, which are recomputed by us anyway)."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadablePart("encrypted (password-protected) or legacy Excel file")
    archive = open_zip(data)
    _refuse_entities(archive)
    from openpyxl import load_workbook  # imported late: heavy, and only spreadsheets need it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it skips
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise UnreadablePart(f"workbook unreadable: {type(exc).__name__}") from exc
    doc = Document(name)
    for sheet in book.worksheets:
        for r, values in enumerate(sheet.iter_rows(max_row=MAX_ROWS, values_only=True), start=1):
            cells = tuple(
                Cell(_text(v), float(c))
                for c, v in enumerate(values[:MAX_COLUMNS])
                if v is not None and not (isinstance(v, str) and v.startswith("="))
            )
            if cells:
                doc.rows.append(Row(cells, f"{name} sheet {sheet.title!r} row {r}"))
    book.close()
    return doc


def _refuse_entities(archive: zipfile.ZipFile) -> None:
    """Parse each XML part with our hardened parser first, so a hostile part is refused."""
    for info in archive.infolist():
        if info.filename.endswith(".xml") or info.filename.endswith(".rels"):
            data = read_member(archive, info.filename)
            if data is not None:
                parse_xml(data)


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
