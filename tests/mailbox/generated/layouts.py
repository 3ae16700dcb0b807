"""Lay a case's checklist out as abstract tables: rows of cells, ticks still symbolic."""

from __future__ import annotations

from dataclasses import dataclass

from tests.mailbox.generated.spec import Case

OPTION = {"Y": "yes", "N": "no", "D": "dont_know"}
WORD = {"yes": "Yes", "no": "No", "dont_know": "Don't know"}
CODE = {"yes": "Y", "no": "N", "dont_know": "DK"}
COMMENT = {"yes": "Yes – see log", "no": "No.", "dont_know": "Don't know – not asked"}
# Each column's heading, in two vocabularies (a case's seed picks one).
HEADINGS = {
    "#": ("Q", "No."),
    "q": ("Question", "Risk factor"),
    "Y": ("Yes", "Y"),
    "N": ("No", "N"),
    "D": ("Don't know", "DK"),
    "c": ("Comments", "Details / source"),
    "a": ("Answer", "Y/N/DK"),
}
EMPTY_GLYPH = {"☒": "☐", "●": "○", "TRUE": "FALSE", "1": "0"}
SPAN = "\x00span"  # a cell merged into the one on its left


@dataclass(frozen=True)
class Tick:
    """An option cell: ticked or not, drawn in a style; `word` is the option's printed word."""

    style: str
    ticked: bool
    word: str


Cell = str | Tick
Table = list[list[Cell]]


CHOICES = " / ".join(WORD.values())  # "Yes / No / Don't know", as a form prints them


def text_tick(tick: Tick) -> str:
    """Return how a text format writes a tick of this style."""
    if tick.style == "printed":
        return CHOICES  # the picked one's bold is lost in text
    if not tick.ticked:
        return EMPTY_GLYPH.get(tick.style, "")
    if tick.style == "Y":
        return tick.word[0] if tick.word != "Don't know" else "DK"
    return tick.style


def _cell(case: Case, column: str, n: int, question: str, answer: str | None) -> Cell:
    if column == "#":
        return str(n)
    if column == "q":
        return question
    if column in OPTION:
        style = "" if case.tick == "comment_only" else case.tick
        return Tick(style, answer == OPTION[column], WORD[OPTION[column]])
    if column == "a" and case.tick == "printed":
        return Tick("printed", answer is not None, WORD[answer] if answer else "")
    if column == "a":
        return "" if answer is None else (WORD if case.tick == "word" else CODE)[answer]
    if case.tick == "comment_only":  # the comment is the only answer given
        return "" if answer is None else COMMENT[answer]
    return "See police log" if n % 3 == 0 else ""


def header(case: Case) -> list[Cell]:
    """Return the checklist's heading row."""
    pick = case.seed % 2
    return [HEADINGS[c][pick] for c in case.columns.split()]


def rows(case: Case) -> Table:
    """Return one row per question, cells in the case's column order."""
    columns = case.columns.split()
    return [
        [_cell(case, c, n, q, a) for c in columns]
        for n, (q, a) in enumerate(zip(case.questions, case.given, strict=True), start=1)
    ]


def title(case: Case) -> str:
    """Return the heading printed above the checklist."""
    if case.instrument == "stalking_screen":
        return "S-DASH Stalking Screening Questions"
    return (
        "ACPO DASH (2009) Risk Identification Checklist"
        if case.wording == "acpo"
        else ("SafeLives DASH Risk Identification Checklist")
    )


SECTIONS = ("Current situation", "Children/Dependants", "Domestic violence history", "Abuser(s)")


def _with_sections(case: Case, body: Table) -> Table:
    """Put a section heading, merged across the table, before each quarter of the questions."""
    width, step = len(case.columns.split()), -(-len(body) // len(SECTIONS))
    out: Table = []
    for k, row in enumerate(body):
        if k % step == 0:
            out.append([SECTIONS[k // step], *[SPAN] * (width - 1)])
        out.append(row)
    return out


def tables(case: Case) -> list[Table]:
    """Return the checklist as the case's shape lays it out: one table, split, merged heads, or
    with section headings inside it."""
    body, head = rows(case), header(case)
    if case.shape == "sections":
        return [[head, *_with_sections(case, body)]]
    half = len(body) // 2
    if case.shape == "split":
        return [[head, *body[:half]], [head, *body[half:]]]
    if case.shape == "split_bare":  # the table carries on over a page with no heading row
        return [[head, *body[:half]], body[half:]]
    if case.shape == "merged":
        width = len(head)
        top: list[Cell] = [title(case)] + [SPAN] * (width - 1)
        group: list[Cell] = []
        for c in case.columns.split():
            word = "Risk factor" if c in "#q" else "Answer"
            group.append(SPAN if group and _last(group) == word else word)
        return [[top, group, head, *body]]
    return [[head, *body]]


def _last(row: list[Cell]) -> Cell:
    """Return the last real (not merged-in) cell of a row."""
    return next(c for c in reversed(row) if c != SPAN)
