"""Read a Word .docx into rows, turning every kind of check box into a mark."""

from __future__ import annotations

import functools

from lxml import etree

from mailbox.grid import Cell, Document, Mark, Row
from mailbox.safety import UnreadablePart, open_zip, parse_xml, read_member

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
TICK, BOX = "☒", "☐"
# Wingdings/Symbol code points Word inserts for ticked and empty boxes.
_SYM_TICKED = {"F0FE", "F0FD", "F078", "F0FC", "F0D6", "00FE", "2612", "2611"}
_SYM_EMPTY = {"F0A8", "F06F", "F071", "00A8", "2610"}
_NO_FILL = {"", "auto", "FFFFFF", "ffffff", "none"}


@functools.cache
def _q(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{W if prefix == 'w' else W14}}}{local}"


def _on(el: etree._Element | None, attr: str) -> bool | None:
    """Return an OOXML on/off element's value; a bare element means on."""
    if el is None:
        return None
    value = el.get(attr)
    return value is None or value.lower() in ("1", "true", "on")


def _formcheckbox(ff: etree._Element) -> str:
    box = ff.find(_q("w:checkBox"))
    if box is None:
        return ""
    state = _on(box.find(_q("w:checked")), _q("w:val"))
    if state is None:
        state = bool(_on(box.find(_q("w:default")), _q("w:val")))
    return TICK if state else BOX


def _sdt_checkbox(sdt: etree._Element) -> str | None:
    box = sdt.find(f"{_q('w:sdtPr')}/{_q('w14:checkbox')}")
    if box is None:
        return None
    return TICK if _on(box.find(_q("w14:checked")), _q("w14:val")) else BOX


def _sym(el: etree._Element) -> str:
    char = (el.get(_q("w:char")) or "").upper()
    if char in _SYM_TICKED:
        return TICK
    return BOX if char in _SYM_EMPTY else ""


def render(el: etree._Element) -> str:
    """Return an element's visible text, with check boxes as ☒ or ☐."""
    out: list[str] = []
    _render(el, out)
    return "".join(out)


def _render(el: etree._Element, out: list[str]) -> None:
    for child in el:
        tag = child.tag
        if tag == _q("w:t"):
            out.append(child.text or "")
        elif tag == _q("w:tab"):
            out.append(" ")
        elif tag in (_q("w:br"), _q("w:cr")):
            out.append("\n")  # callers that want one line collapse all white space
        elif tag == _q("w:sym"):
            out.append(_sym(child))
        elif tag == _q("w:ffData"):
            out.append(_formcheckbox(child))
        elif tag == _q("w:sdt") and (glyph := _sdt_checkbox(child)) is not None:
            out.append(glyph)  # the box's own state, not the glyph shown in its content
        elif tag == _q("w:p"):
            _render(child, out)
            out.append("\n")
        elif tag != _q("w:instrText"):
            _render(child, out)


def _cell(tc: etree._Element, x: int) -> Cell:
    shown = render(tc)
    lines = tuple(" ".join(line.split()) for line in shown.splitlines() if line.strip())
    text = " ".join(shown.split())
    # Shading the cell, or highlighting its words, is how some referrers mark the answer.
    mark = Mark.TICKED if _shaded(tc) or _highlighted(tc) else None
    return Cell(text, float(x), mark, lines if len(lines) > 1 else ())


def _shaded(tc: etree._Element) -> bool:
    fill = tc.find(f"{_q('w:tcPr')}/{_q('w:shd')}")
    return fill is not None and (fill.get(_q("w:fill")) or "") not in _NO_FILL


def _highlighted(tc: etree._Element) -> bool:
    """Tell whether every run with text in the cell is highlighted or shaded."""
    runs = [
        r for r in tc.iter(_q("w:r")) if "".join(t.text or "" for t in r.iter(_q("w:t"))).strip()
    ]
    return bool(runs) and all(_run_marked(r) for r in runs)


def _run_marked(run: etree._Element) -> bool:
    # Bold picks out the chosen word among printed options ("Yes  **No**  Don't know").
    if _on(run.find(f"{_q('w:rPr')}/{_q('w:b')}"), _q("w:val")):
        return True
    highlight = run.find(f"{_q('w:rPr')}/{_q('w:highlight')}")
    if highlight is not None and (highlight.get(_q("w:val")) or "none") != "none":
        return True
    fill = run.find(f"{_q('w:rPr')}/{_q('w:shd')}")
    return fill is not None and (fill.get(_q("w:fill")) or "") not in _NO_FILL


def _table_rows(tbl: etree._Element, name: str, index: int) -> list[Row]:
    rows = []
    for r, tr in enumerate(tbl.iter(_q("w:tr")), start=1):
        cells, x = [], 0
        for tc in tr.findall(_q("w:tc")):
            cells.append(_cell(tc, x))
            span = tc.find(f"{_q('w:tcPr')}/{_q('w:gridSpan')}")
            x += int(span.get(_q("w:val")) or 1) if span is not None else 1
        rows.append(Row(tuple(cells), f"{name} table {index} row {r}"))
    return rows


def read_docx(name: str, data: bytes) -> Document:
    """Read a .docx's body paragraphs and tables in order."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadablePart("encrypted (password-protected) or legacy Word file")
    archive = open_zip(data)
    xml = read_member(archive, "word/document.xml")
    if xml is None:
        raise UnreadablePart("no word/document.xml")
    body = parse_xml(xml).find(_q("w:body"))
    doc = Document(name)
    tables = paragraphs = 0
    for el in body if body is not None else []:
        if el.tag == _q("w:tbl"):
            tables += 1
            doc.rows.extend(_table_rows(el, name, tables))
        elif el.tag in (_q("w:p"), _q("w:sdt")):
            paragraphs += 1
            text = " ".join(render(el).split())
            if text:
                doc.rows.append(Row((Cell(text, 0.0),), f"{name} paragraph {paragraphs}"))
    return doc
