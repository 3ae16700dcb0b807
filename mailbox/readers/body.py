"""Read a message body (plain text or HTML) into rows: HTML tables keep their columns."""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag

from mailbox.grid import Cell, Document, Row
from mailbox.readers.layout import text_rows

MAX_BODY_CHARS = 500_000


def read_plain(name: str, text: str) -> Document:
    """Read a plain-text body line by line, leaving out quoted ('>') lines."""
    text = text[:MAX_BODY_CHARS].replace("\r\n", "\n")
    lines = "\n".join("" if ln.lstrip().startswith(">") else ln for ln in text.split("\n"))
    doc = Document(name)
    # A tab or a run of spaces separates a label from its value, as in a table.
    doc.rows = text_rows(lines.replace("\t", "    "), name, columns=True)
    return doc


def read_html(name: str, html: str) -> Document:
    """Read an HTML body: table rows as cells, every other block as a line."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(html[:MAX_BODY_CHARS], "html.parser")
    for junk in soup(["script", "style", "head", "title", "blockquote"]):
        junk.decompose()
    tables: dict[str, list[Row]] = {}
    for number, table in enumerate(soup.find_all("table"), start=1):
        if table.find("table"):
            continue  # a layout table: its inner tables carry the rows
        key = f"\x00table{number}\x00"
        tables[key] = [
            Row(_cells(tr), f"{name} table {number} row {r}")
            for r, tr in enumerate(table.find_all("tr"), start=1)
        ]
        table.replace_with(soup.new_string(f"\n{key}\n"))
    for br in soup.find_all("br"):
        br.replace_with("\n")
    _number_lists(soup)
    for block in soup.find_all(_BLOCKS):
        block.insert_before("\n")
        block.insert_after("\n")
    doc = Document(name)
    # Blocks are lines; inline tags ("<b>Yes</b>", "<span>") stay within their line.
    for row in text_rows(_squash(soup.get_text("")), name, columns=False):
        doc.rows.extend(tables.get(row.text, [row]))
    return doc


_BLOCKS = [
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "hr",
    "dt",
    "dd",
]


def _number_lists(soup: BeautifulSoup) -> None:
    """Write out an ordered list's numbers, as the reader's mail program shows them."""
    for ol in soup.find_all("ol"):
        start = str(ol.get("start") or "1")
        first = int(start) if start.isdigit() else 1
        for n, li in enumerate(ol.find_all("li", recursive=False), start=first):
            li.insert(0, f"{n}. ")


def _cells(tr: Tag) -> tuple[Cell, ...]:
    cells, x = [], 0
    for td in tr.find_all(["td", "th"]):
        text = " ".join(td.get_text(" ").split())
        cells.append(Cell(text, float(x)))
        span = str(td.get("colspan") or "1")
        x += int(span) if span.isdigit() else 1
    return tuple(cells)


def _squash(text: str) -> str:
    return re.sub(r"\n\s*\n+", "\n", text.replace("\xa0", " "))
