"""The faster reader code (issue 12, parse speed) reads exactly as the plain code it replaced.

Each test keeps the earlier, simpler implementation as an oracle and compares the two on many
seeded random inputs: Word XML trees of every tag the walk treats specially, nested any way;
checklist headings; label and glyph texts.
"""

import random
import re

import pytest
from lxml import etree

from mailbox import checklist, fields, grid, questions, rows
from mailbox.grid import Cell, Row
from mailbox.readers import docx

W = docx.W
TAGS = ["t", "tab", "br", "cr", "sym", "ffData", "sdt", "p", "instrText", "r", "rPr", "pPr"]
TAGS += ["tc", "tcPr", "shd", "b", "highlight", "sdtPr", "sdtContent", "tabs", "txbxContent"]


def _old_render(el: etree._Element) -> str:
    out: list[str] = []
    _old_walk(el, out)
    return "".join(out)


def _old_walk(el: etree._Element, out: list[str]) -> None:
    q = docx._q
    for child in el:
        tag = child.tag
        if tag == q("w:t"):
            out.append(child.text or "")
        elif tag == q("w:tab"):
            out.append(" ")
        elif tag in (q("w:br"), q("w:cr")):
            out.append("\n")
        elif tag == q("w:sym"):
            out.append(docx._sym(child))
        elif tag == q("w:ffData"):
            out.append(docx._formcheckbox(child))
        elif tag == q("w:sdt") and (glyph := docx._sdt_checkbox(child)) is not None:
            out.append(glyph)
        elif tag == q("w:p"):
            _old_walk(child, out)
            out.append("\n")
        elif tag != q("w:instrText"):
            _old_walk(child, out)


def _old_highlighted(tc: etree._Element) -> bool:
    q = docx._q
    runs = [r for r in tc.iter(q("w:r")) if "".join(t.text or "" for t in r.iter(q("w:t"))).strip()]
    return bool(runs) and all(_old_run_marked(r) for r in runs)


def _old_run_marked(run: etree._Element) -> bool:
    q = docx._q
    if docx._on(run.find(f"{q('w:rPr')}/{q('w:b')}"), q("w:val")):
        return True
    highlight = run.find(f"{q('w:rPr')}/{q('w:highlight')}")
    if highlight is not None and (highlight.get(q("w:val")) or "none") != "none":
        return True
    fill = run.find(f"{q('w:rPr')}/{q('w:shd')}")
    return fill is not None and (fill.get(q("w:fill")) or "") not in docx._NO_FILL


def _old_shaded(tc: etree._Element) -> bool:
    fill = tc.find(f"{docx._q('w:tcPr')}/{docx._q('w:shd')}")
    return fill is not None and (fill.get(docx._q("w:fill")) or "") not in docx._NO_FILL


def _tree(rng: random.Random, depth: int = 0) -> etree._Element:
    el = etree.Element(f"{{{W}}}{rng.choice(TAGS)}")
    if rng.random() < 0.3:
        el.set(f"{{{W}}}val", rng.choice(("0", "1", "none", "yellow", "")))
    if rng.random() < 0.3:
        el.set(f"{{{W}}}fill", rng.choice(("auto", "FFFF00", "")))
    if rng.random() < 0.2:
        el.set(f"{{{W}}}char", rng.choice(("F0FE", "F0A8", "0041")))
    el.text = rng.choice((None, "", " ", "Yes", " No ", "\u00a0", "Victim name"))
    if depth < 4:
        for _ in range(rng.randint(0, 4)):
            child = _tree(rng, depth + 1)
            child.tail = rng.choice((None, "tail"))
            el.append(child)
        if rng.random() < 0.1:
            el.append(etree.Comment("a comment"))
    if rng.random() < 0.1:  # a real check box control, whose content shows a glyph of its own
        sdt_pr = etree.SubElement(el, f"{{{W}}}sdtPr")
        box = etree.SubElement(sdt_pr, f"{{{docx.W14}}}checkbox")
        etree.SubElement(box, f"{{{docx.W14}}}checked").set(f"{{{docx.W14}}}val", "1")
    return el


@pytest.mark.parametrize("seed", range(300))
def test_the_word_walk_reads_as_before(seed: int) -> None:
    rng = random.Random(seed)
    root = _tree(rng)
    assert docx.render(root) == _old_render(root)
    for el in root.iter():
        if isinstance(el.tag, str):
            assert docx.render(el) == _old_render(el)
            assert docx._highlighted(el) == _old_highlighted(el)
            assert docx._shaded(el) == _old_shaded(el)


def test_a_real_cell_reads_as_before() -> None:
    xml = (
        f'<w:tc xmlns:w="{W}"><w:tcPr><w:shd w:fill="D9D9D9"/><w:gridSpan w:val="2"/></w:tcPr>'
        "<w:p><w:pPr><w:tabs><w:tab/></w:tabs></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>Yes</w:t>"
        '</w:r><w:r><w:fldChar/><w:instrText>FORMCHECKBOX</w:instrText><w:sym w:char="F0FE"/>'
        "</w:r></w:p><w:p><w:r><w:t>two</w:t><w:br/><w:t>lines</w:t></w:r></w:p></w:tc>"
    )
    tc = etree.fromstring(xml)
    assert docx.render(tc) == _old_render(tc) == " Yes☒\ntwo\nlines\n"
    assert docx._shaded(tc) and not docx._highlighted(tc)


HEADINGS = ["Q", "No", "No.", "Question", "Yes", "No", "Don't know", "DK", "Y", "N", "Comments"]
HEADINGS += ["Answer", "Yes/No", "Risk factor", "know", "Source of information", "Notes", ""]
HEADINGS += ["Are you very frightened?", "Victim name", "1", "☒", "Response", "Unknown"]


def _old_parse_header(row: Row) -> rows.Header | None:
    cells = [c for c in row.cells if c.text]
    words = [rows._header_word(c.text) for c in cells]
    if len(cells) < 2 or None in words:
        return None
    header: rows.Header = {}
    for cell, word in zip(cells, words, strict=True):
        if word == "no" and "question" not in header and header.keys() <= {"number"}:
            word = "number"
        if word and word not in header:
            header[word] = cell.x
    options = sum(1 for o in rows.OPTIONS if o in header)
    if words.count("skip") > 1 or ("question" not in header and "skip" in words):
        return None
    header.pop("skip", None)
    return header if options >= 2 or "answer" in header else None


@pytest.mark.parametrize("seed", range(200))
def test_headings_and_columns_read_as_before(seed: int) -> None:
    rng = random.Random(seed)
    cells = tuple(Cell(rng.choice(HEADINGS), float(x)) for x in range(rng.randint(1, 6)))
    row = Row(cells, "form table 1 row 1")
    header = rows.parse_header(row)
    assert header == _old_parse_header(row)
    for cell in cells:
        near = Cell("x", cell.x + rng.choice((-0.5, 0.0, 0.5, 1.5)))
        if header:
            nearest = min(header, key=lambda k: abs(header[k] - near.x))
            assert rows.column_of(near, header) == nearest


LINES = ["Section 2: DASH risk checklist", "ACPO DASH (2009)", "Part 3 - S-DASH", "Risk assessment"]
LINES += ["Stalking screening questions", "DASH score: 14", "Is it safe to call?", "Victim name"]
LINES += ["VictimDateOfBirth", "Name of referrer:", "  Tel *", "☒", " x ", "☐ Yes", "\u00a0■\t"]


def _old_heading(text: str) -> str | None:
    text = re.sub(r"^(section|part|step)\s*\d+\s*[.:)-]?\s*", "", text.lower())
    text = re.sub(r"\(?\b(19|20)\d\d\)?", "", text)
    if len(text) > 100 or "?" in text or re.search(r"\d|:\s*\S", text):
        return None
    if re.search(r"s-?dash|stalking (screen|risk|question|assessment)|screening question", text):
        return questions.SDASH
    if re.search(r"\bdash\b|risk identification|risk checklist|risk assessment", text):
        return questions.DASH
    return None


def _old_normalise(text: str) -> str:
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text).lower().replace("\u2019", "'")
    return re.sub(r"[\s:*?]+", " ", text).strip(" .-")


@pytest.mark.parametrize("text", LINES)
def test_headings_labels_and_glyphs_read_as_before(text: str) -> None:
    row = Row((Cell(text, 0.0),), "body line 1")
    assert checklist.heading_instrument(row) == _old_heading(row.text)
    assert fields.normalise_label(text) == _old_normalise(text)
    compact = re.sub(r"\s+", "", text)
    old = None
    if len(compact) == 1:
        old = grid.Mark.TICKED if compact in grid.TICKED_GLYPHS else old
        old = grid.Mark.EMPTY if compact in grid._EMPTY else old
    assert grid.glyph_mark(text) == old


def test_a_row_text_is_its_cells_joined() -> None:
    row = Row((Cell(" Victim ", 0.0), Cell("", 1.0), Cell("name", 2.0)), "form table 1 row 2")
    assert row.text == row.text == "Victim  name"
    assert row == Row(row.cells, row.where) and hash(row) == hash(Row(row.cells, row.where))
