"""Read a message body (plain text or HTML) into rows: HTML tables keep their columns."""

from __future__ import annotations

import re
import warnings
from typing import Any

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag

from mailbox.grid import Cell, Document, Row
from mailbox.readers.layout import text_rows
from mailbox.values import answer_word, lists_options

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
        cells.append(_cell(td, float(x)))
        span = str(td.get("colspan") or "1")
        x += int(span) if span.isdigit() else 1
    return tuple(cells)


def _cell(td: Tag, x: float) -> Cell:
    """A table cell; a Word table pasted into a mail keeps its bold, so, as in Word, the one
    printed choice in bold or highlight ("Yes / <b>No</b> / Don't know") is the pick."""
    text = " ".join(td.get_text(" ").split())
    if lists_options(text) and (picked := _emphasised_choice(td)) is not None:
        return Cell(picked, x)
    return Cell(text, x)


_EMPHASIS = ("b", "strong", "mark")
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)", re.I)
_FILL_STYLE = re.compile(
    r"background(-color)?\s*:\s*(?!\s*(none|transparent|#?fff(fff)?\b|white))", re.I
)


def _emphasised_choice(td: Tag) -> str | None:
    """Return the one printed choice set in bold or highlight, the others plain; else None."""
    choices: list[tuple[str, bool]] = []
    for piece in td.find_all(string=True):
        for part in re.split(r"[/|,]", str(piece)):
            words = " ".join(part.split())
            if words and answer_word(words) is not None and not lists_options(words):
                choices.append((words, _marked(piece, td)))
    picked = [words for words, marked in choices if marked]
    return picked[0] if len(choices) >= 2 and len(picked) == 1 else None


def _marked(piece: Any, td: Tag) -> bool:
    """Tell whether a choice's words sit in bold or highlight inside this cell."""
    for parent in piece.parents:
        if parent is td:
            return False
        if _emphasis(parent):
            return True
    return False


def _emphasis(tag: Tag) -> bool:
    style = str(tag.get("style") or "")
    return (
        tag.name in _EMPHASIS or bool(_BOLD_STYLE.search(style)) or bool(_FILL_STYLE.search(style))
    )


def _squash(text: str) -> str:
    return re.sub(r"\n\s*\n+", "\n", text.replace("\xa0", " "))
