"""The shape every reader returns: a document as rows of positioned cells, some of them ticks."""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field


class Mark(enum.Enum):
    """What a check box or tick glyph in a cell says."""

    TICKED = "ticked"
    EMPTY = "empty"


# Glyphs referrers use for a ticked or an empty box; "X" alone in a cell is a tick too.
# \uf0fe etc. are Wingdings boxes as a PDF's text layer gives them (þ/ý/¨ when the font is lost).
TICKED_GLYPHS = frozenset("☒☑✓✔✗✘■●◉⬛✅xX\uf0fe\uf0fd\uf0fcþý")
_EMPTY = frozenset("☐□○◯\uf0a8\uf06f¨")


def glyph_mark(text: str) -> Mark | None:
    """Return the mark a cell's text shows when it holds only a tick glyph."""
    compact = "".join(text.split())
    if len(compact) != 1:
        return None
    if compact in TICKED_GLYPHS:
        return Mark.TICKED
    if compact in _EMPTY:
        return Mark.EMPTY
    return None


@dataclass(frozen=True)
class Cell:
    """One cell (or one run of text on a line) at horizontal position `x`."""

    text: str
    x: float
    mark: Mark | None = None
    # The cell's own lines when it holds several (paragraphs or line breaks in a Word cell);
    # `text` joins them with spaces.
    lines: tuple[str, ...] = ()

    @property
    def tick(self) -> Mark | None:
        """Return the cell's mark, from its check box or from its glyph."""
        return self.mark or glyph_mark(self.text)


@dataclass(frozen=True)
class Row:
    """A table row or a line of text, with where it was found (for review)."""

    cells: tuple[Cell, ...]
    where: str

    @functools.cached_property  # asked of each row many times; the row never changes
    def text(self) -> str:
        """Return the row's text, cells joined by spaces."""
        return " ".join(c.text for c in self.cells if c.text).strip()


@dataclass
class Document:
    """A readable part of the message (attachment or body) as rows, ready for extraction."""

    name: str
    rows: list[Row] = field(default_factory=list)
