"""Read a Word .docx into rows, turning every kind of check box into a mark."""

from __future__ import annotations

import functools

from lxml import etree

from mailbox.grid import Cell, Document, Mark, Row
from mailbox.safety import UnreadablePart, open_zip, parse_xml, read_member
from mailbox.values import answer_word, lists_options

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


# The tags whose elements show something (or hide their content); all others are walked through.
_T, _TAB, _BR, _CR, _SYM = _q("w:t"), _q("w:tab"), _q("w:br"), _q("w:cr"), _q("w:sym")
_FFDATA, _SDT, _P, _INSTR = _q("w:ffData"), _q("w:sdt"), _q("w:p"), _q("w:instrText")
_SHOWN = (_T, _TAB, _BR, _CR, _SYM, _FFDATA, _SDT, _P, _INSTR)


def render(el: etree._Element) -> str:
    """Return an element's visible text, with check boxes as ☒ or ☐."""
    out: list[str] = []
    # lxml walks the tree and stops only at the tags above: a cell's many property elements
    # (w:tcPr, w:rPr and theirs) are passed over in C, not visited one by one in Python.
    walk = etree.iterwalk(el, events=("start", "end"), tag=_SHOWN)
    for event, node in walk:
        if node is el:
            continue  # the element's own tag says nothing: only what it holds is shown
        tag = node.tag
        if event == "end":
            if tag == _P:
                out.append("\n")
            continue
        if tag == _P:
            continue  # shown through what it holds
        if tag == _SDT:
            glyph = _sdt_checkbox(node)
            if glyph is None:
                continue  # a content control other than a check box: shown through what it holds
            out.append(glyph)  # the box's own state, not the glyph shown in its content
        elif tag == _T:
            out.append(node.text or "")
        elif tag == _TAB:
            out.append(" ")
        elif tag in (_BR, _CR):
            out.append("\n")  # callers that want one line collapse all white space
        elif tag == _SYM:
            out.append(_sym(node))
        elif tag == _FFDATA:
            out.append(_formcheckbox(node))
        walk.skip_subtree()  # nothing inside these is shown (a field code's w:instrText neither)
    return "".join(out)


def _cell(tc: etree._Element, x: int) -> Cell:
    shown = render(tc)
    lines = tuple(" ".join(line.split()) for line in shown.splitlines() if line.strip())
    text = " ".join(shown.split())
    if lists_options(text) and (picked := _emphasised_choice(tc)) is not None:
        return Cell(picked, float(x))  # "Yes / **No** / Don't know": the referrer picked No
    # Shading the cell, or highlighting its words, is how some referrers mark the answer.
    mark = Mark.TICKED if _shaded(tc) or _highlighted(tc) else None
    return Cell(text, float(x), mark, lines if len(lines) > 1 else ())


def _emphasised_choice(tc: etree._Element) -> str | None:
    """Return the one printed choice a cell picks out in bold, highlight or shading, if exactly
    one is (the others plain); None when none or several are, or a choice is split over runs."""
    choices: list[tuple[str, bool]] = []
    for run in tc.iter(_RUN):
        words = "".join(t.text or "" for t in run.iter(_T)).strip(" /|,")
        if words and answer_word(words) is not None and not lists_options(words):
            choices.append((words, _run_marked(run)))
    picked = [words for words, marked in choices if marked]
    return picked[0] if len(choices) >= 2 and len(picked) == 1 else None


_TCPR, _RPR, _SHD, _FILL, _VAL = _q("w:tcPr"), _q("w:rPr"), _q("w:shd"), _q("w:fill"), _q("w:val")
_RUN, _BOLD, _HIGHLIGHT = _q("w:r"), _q("w:b"), _q("w:highlight")
_ROW, _TC, _SPAN = _q("w:tr"), _q("w:tc"), _q("w:gridSpan")


def _property(el: etree._Element, group: str, tag: str) -> etree._Element | None:
    """Return what `el.find("group/tag")` finds, walking the children in C (no path parsing)."""
    for properties in el.iterchildren(group):
        for found in properties.iterchildren(tag):
            return found
    return None


def _shaded(tc: etree._Element) -> bool:
    fill = _property(tc, _TCPR, _SHD)
    return fill is not None and (fill.get(_FILL) or "") not in _NO_FILL


def _highlighted(tc: etree._Element) -> bool:
    """Tell whether every run with text in the cell is highlighted or shaded."""
    found = False
    for run in tc.iter(_RUN):
        if not any(t.text and not t.text.isspace() for t in run.iter(_T)):
            continue  # a run of no visible words says nothing either way
        if not _run_marked(run):
            return False
        found = True
    return found


def _run_marked(run: etree._Element) -> bool:
    # Bold picks out the chosen word among printed options ("Yes  **No**  Don't know").
    if _on(_property(run, _RPR, _BOLD), _VAL):
        return True
    highlight = _property(run, _RPR, _HIGHLIGHT)
    if highlight is not None and (highlight.get(_VAL) or "none") != "none":
        return True
    fill = _property(run, _RPR, _SHD)
    return fill is not None and (fill.get(_FILL) or "") not in _NO_FILL


def _table_rows(tbl: etree._Element, name: str, index: int) -> list[Row]:
    rows = []
    for r, tr in enumerate(tbl.iter(_ROW), start=1):
        cells, x = [], 0
        for tc in tr.iterchildren(_TC):
            cells.append(_cell(tc, x))
            span = _property(tc, _TCPR, _SPAN)
            x += int(span.get(_VAL) or 1) if span is not None else 1
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
