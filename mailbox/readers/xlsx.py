"""Read an Excel .xlsx workbook: every sheet's rows, cells at their column index."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from typing import Any

from mailbox.fields import match_label
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
        rows: list[tuple[int, tuple[Cell, ...]]] = []
        codes = code_lists(archive, getattr(sheet, "_worksheet_path", ""))
        for r, values in enumerate(sheet.iter_rows(max_row=MAX_ROWS, values_only=True), start=1):
            cells = tuple(
                Cell(_decoded(_text(v), r, c + 1, codes), float(c))
                for c, v in enumerate(values[:MAX_COLUMNS])
                if v is not None and _text(v) and not (isinstance(v, str) and v.startswith("="))
            )
            if cells:
                rows.append((r, cells))
        doc.rows.extend(_blocks(f"{name} sheet {sheet.title!r}", rows))
    book.close()
    return doc


CodeList = tuple[tuple[int, int, int, int], dict[str, str]]  # (min col, min row, max col, max row)
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ITEM = re.compile(r"^\s*(\w{1,3})\s*[-=:.)]\s*(\S.*)$")


def code_lists(archive: zipfile.ZipFile, path: str) -> list[CodeList]:
    """Return a sheet's drop-down lists whose items pair a code with its meaning ("1 - Yes").

    A referrer who picks "1 - Yes" may type just "1": the list says what the code means.
    """
    from openpyxl.utils.cell import range_boundaries  # late, as openpyxl itself

    xml = read_member(archive, path) if path else None
    if xml is None:
        return []
    found: list[CodeList] = []
    for dv in parse_xml(xml).iter(f"{_MAIN}dataValidation"):
        formula = dv.find(f"{_MAIN}formula1")
        items = (formula.text or "").strip('"').split(",") if formula is not None else []
        pairs = [m for item in items if (m := _ITEM.match(item))]
        if dv.get("type") != "list" or not pairs or len(pairs) != len(items):
            continue
        meaning = {m[1].lower(): m[2].strip() for m in pairs} | {
            i.strip().lower(): m[2].strip() for i, m in zip(items, pairs, strict=True)
        }
        for ref in (dv.get("sqref") or "").split():
            try:
                found.append((range_boundaries(ref), meaning))
            except (ValueError, TypeError):
                continue
    return found


def _decoded(text: str, row: int, col: int, codes: list[CodeList]) -> str:
    for (c0, r0, c1, r1), meaning in codes:
        if c0 <= col <= c1 and r0 <= row <= r1 and text.lower() in meaning:
            return meaning[text.lower()]
    return text


def _blocks(where: str, rows: list[tuple[int, tuple[Cell, ...]]]) -> list[Row]:
    """Split a sheet at columns left empty all the way down: blocks side by side are read apart.

    A referral block beside the checklist would otherwise share every row with its answers.
    """
    used = sorted({int(c.x) for _, cells in rows for c in cells})
    starts = [x for i, x in enumerate(used) if i == 0 or x - used[i - 1] > 1]
    spans = _label_columns_kept(list(zip(starts, [*starts[1:], MAX_COLUMNS], strict=True)), rows)
    blocks = [_block(rows, span) for span in spans]
    # Only a block of labelled details is read apart: an empty spacer column inside one table
    # (between the questions and the ticks) must not cut it in two.
    if len(blocks) < 2 or not any(_details(block) for block in blocks):
        return [Row(cells, f"{where} row {r}") for r, cells in rows]
    return [
        Row(cells, f"{where} block {k} row {r}")
        for k, block in enumerate(blocks, start=1)
        for r, cells in block
        if cells
    ]


Block = list[tuple[int, tuple[Cell, ...]]]


def _block(rows: Block, span: tuple[float, float]) -> Block:
    return [(r, tuple(c for c in cells if span[0] <= c.x < span[1])) for r, cells in rows]


def _label_columns_kept(spans: list[tuple[int, int]], rows: Block) -> list[tuple[int, int]]:
    """Join a column of labels to the values typed a column or two to its right.

    A form laid out with a spacer column (labels in B, values in D) would otherwise be cut at
    the empty column, leaving every label without its value.
    """
    joined: list[tuple[int, int]] = []
    for span in spans:
        if joined and _labels_only(_block(rows, joined[-1])) and _values(_block(rows, span)):
            joined[-1] = (joined[-1][0], span[1])
        else:
            joined.append(span)
    return joined


def _labels_only(block: Block) -> bool:
    filled = [cells for _, cells in block if cells]
    labelled = sum(1 for cells in filled if match_label(cells[0].text, None))
    return labelled >= 3 and all(len(cells) == 1 for cells in filled)


def _values(block: Block) -> bool:
    filled = [cells for _, cells in block if cells]
    labels = sum(1 for cells in filled if match_label(cells[0].text, None))
    return bool(filled) and labels * 2 < len(filled) and all(len(c) <= 2 for c in filled)


def _details(block: Block) -> bool:
    """Tell whether a block of columns is a referral block: rows of label and value."""
    labelled = sum(1 for _, cells in block if cells and match_label(cells[0].text, None))
    return labelled >= 3 and all(len(cells) <= 2 for _, cells in block)


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
