"""Read an OpenDocument text (.odt) into rows: tables keep their columns, ticks are glyphs."""

from __future__ import annotations

from lxml import etree

from mailbox.grid import Cell, Document, Row
from mailbox.safety import UnreadablePart, open_zip, parse_xml, read_member

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def _text(el: etree._Element) -> str:
    """Return an element's visible text, spaces and tabs included."""
    out = [el.text or ""]
    for child in el:
        local = etree.QName(child).localname
        if local in ("s", "tab", "line-break"):
            out.append(" ")
        elif local not in ("note", "annotation"):
            out.append(_text(child))
        out.append(child.tail or "")
    return "".join(out)


def _table_rows(table: etree._Element, name: str, index: int) -> list[Row]:
    rows = []
    for r, tr in enumerate(table.iter(f"{{{TABLE}}}table-row"), start=1):
        cells, x = [], 0
        for tc in tr:
            if etree.QName(tc).localname not in ("table-cell", "covered-table-cell"):
                continue
            cells.append(Cell(" ".join(_text(tc).split()), float(x)))
            x += int(tc.get(f"{{{TABLE}}}number-columns-spanned") or 1)
        rows.append(Row(tuple(cells), f"{name} table {index} row {r}"))
    return rows


def read_odt(name: str, data: bytes) -> Document:
    """Read an .odt's paragraphs, headings and tables in order."""
    xml = read_member(open_zip(data), "content.xml")
    if xml is None:
        raise UnreadablePart("no content.xml")
    body = parse_xml(xml).find(f"{{{OFFICE}}}body/{{{OFFICE}}}text")
    doc = Document(name)
    tables = paragraphs = 0
    for el in (
        body.iter(f"{{{TEXT}}}p", f"{{{TEXT}}}h", f"{{{TABLE}}}table") if body is not None else []
    ):
        if etree.QName(el).localname == "table":
            tables += 1
            doc.rows.extend(_table_rows(el, name, tables))
        elif not _in_table(el) and (text := " ".join(_text(el).split())):
            paragraphs += 1
            doc.rows.append(Row((Cell(text, 0.0),), f"{name} paragraph {paragraphs}"))
    return doc


def _in_table(el: etree._Element) -> bool:
    return any(etree.QName(a).localname == "table-cell" for a in el.iterancestors())
