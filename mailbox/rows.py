"""Read one checklist row: its number, question text and answer, by column or by text."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from mailbox.grid import Cell, Mark, Row, glyph_mark
from mailbox.values import answer_word, boxes_paired, has_boxes, lists_options, ticked_options

OPTIONS = ("yes", "no", "dont_know")
_HEADER_WORDS = {
    "yes": "yes",
    "y": "yes",
    "no": "no",
    "n": "no",
    "don't know": "dont_know",
    "dont know": "dont_know",
    "don't": "dont_know",
    "dk": "dont_know",
    "unknown": "dont_know",
    "not known": "dont_know",
    "answer": "answer",
    "response": "answer",
    "yes/no": "answer",
    "y/n": "answer",
    "question": "question",
    "questions": "question",
    "risk factor": "question",
    "q": "number",
    "no.": "number",
    "#": "number",
    "q no": "number",
    "number": "number",
    "comments": "comment",
    "comment": "comment",
    "notes": "comment",
    "details": "comment",
    "source": "comment",
    "know": "skip",
}
_HEADER_PATTERNS = tuple(
    (re.compile(pattern), meaning)
    for pattern, meaning in (
        (r"^(yes|y) ?/ ?(no|n)|^(answer|response)\b", "answer"),
        (r"don'?t know|not known|unknown|unsure", "dont_know"),
        (r"question|risk (factor|indicator)", "question"),
        (r"^(q|no|ref|item)\.? ?(no|number)?\.?$", "number"),
        (r"comment|note|detail|source|evidence|information", "comment"),
    )
)


@dataclass
class QuestionRow:
    """A checklist row as read: number, question text, answer and doubt."""

    number: int | None
    text: str
    value: str | None
    doubt: bool
    where: str
    why: str = ""  # what made the reading doubtful, for the coordinator checking the original
    listed: bool = False  # a line of a numbered answer list ("Q01 [Y]"), as good as a table row
    comment: str = ""  # the comments column, which may answer too ("Yes – he has a knife")
    marked: tuple[str | None, bool] = (None, True)  # value and doubt from the ticks alone


Header = dict[str, float]


@functools.lru_cache(maxsize=4096)  # every row of every document is tried as a heading
def _header_word(text: str) -> str | None:
    word = " ".join(text.lower().replace("\u2019", "'").split()).strip(" ?:")
    if word in _HEADER_WORDS:
        return _HEADER_WORDS[word]
    for pattern, meaning in _HEADER_PATTERNS:
        if pattern.search(word):
            return meaning
    # Any other short title ("Source of information", "Officer notes") is a column we ignore.
    return "skip" if len(word) <= 40 and "?" not in text else None


def parse_header(row: Row) -> Header | None:
    """Return column positions when every cell of the row is a checklist heading word."""
    cells = [c for c in row.cells if c.text]
    if len(cells) < 2:
        return None
    words = []
    for cell in cells:
        word = _header_word(cell.text)
        if word is None:
            return None  # one cell that is no heading word is enough: the rest need no reading
        words.append(word)
    header: Header = {}
    for cell, word in zip(cells, words, strict=True):
        if word == "no" and "question" not in header and header.keys() <= {"number"}:
            word = "number"  # "No" before the question column is the question number
        if word and word not in header:
            header[word] = cell.x
    options = sum(1 for o in OPTIONS if o in header)
    if words.count("skip") > 1 or ("question" not in header and "skip" in words):
        return None  # too unlike a checklist heading: perhaps "Consent | Yes | No"
    header.pop("skip", None)
    return header if options >= 2 or "answer" in header else None


def column_of(cell: Cell, header: Header) -> str:
    """Return the header column nearest the cell."""
    # A plain loop, not min() with a key function: this runs for every cell of every row.
    nearest, gap = "", -1.0
    for column, x in header.items():
        if gap < 0 or abs(x - cell.x) < gap:  # the first of equally near columns, as min() gives
            nearest, gap = column, abs(x - cell.x)
    if not nearest:
        raise ValueError("column_of() needs a header with columns")
    return nearest


def from_columns(row: Row, header: Header) -> QuestionRow:
    """Read a table row under a checklist header: ticks in option columns or a typed answer."""
    number, texts, typed, comments = None, [], [], []
    options: list[tuple[str, Cell]] = []
    for cell in row.cells:
        col = column_of(cell, header)
        if col == "number" and re.fullmatch(r"q?\d{1,2}[.)]?", cell.text.lower()):
            number = int(re.sub(r"\D", "", cell.text))
        elif col == "question" or (col == "number" and cell.text):
            texts.append(cell.text)
        elif col in OPTIONS:
            options.append((col, cell))
        elif col == "answer" and cell.text:
            typed.append(cell.text)
        elif col == "comment" and cell.text:
            comments.append(cell.text)
    ticked = _ticked(options)
    text = " ".join(texts)
    if "question" not in header and not texts:
        text = max((c.text for c in row.cells), key=len, default="")
    if typed:
        value, doubt = _typed_answer(" ".join(typed))
    else:
        value, doubt = (ticked[0], False) if len(ticked) == 1 else (None, True)
        doubt = doubt or any(_between(cell, header) for col, cell in options if col in ticked)
    q = QuestionRow(number, text, value, doubt, row.where, marked=(value, doubt))
    return with_comment(q, " ".join(comments))


_SAID = re.compile(r"\s*(yes|no|y|n|don'?t know|dk|not known|unknown)\s*([-–—:,.;(]|$)", re.I)


def comment_answer(text: str) -> str | None:
    """Return the answer a comment opens with ("Yes – he has a knife"), if it opens with one."""
    found = _SAID.match(text.replace("\u2019", "'"))
    return answer_word(found[1]) if found else None


def with_comment(q: QuestionRow, comment: str) -> QuestionRow:
    """Weigh a comment that says Yes or No against the ticks: never trust either quietly."""
    q.comment = comment
    q.value, q.doubt = q.marked
    q.why = ""
    said = comment_answer(comment)
    if said is None or said == q.value:
        return q
    # Only the comment answers, or it says otherwise than the tick: a person checks the original.
    q.why = "answer only in the comment" if q.value is None else "tick and comment disagree"
    q.value, q.doubt = q.value or said, True
    return q


def _between(cell: Cell, header: Header) -> bool:
    """Tell whether a mark sits about as near one option column as another (a printed form)."""
    gaps = sorted(abs(header[o] - cell.x) for o in OPTIONS if o in header)
    return len(gaps) > 1 and gaps[0] > 0 and gaps[1] - gaps[0] < 2


def _ticked(options: list[tuple[str, Cell]]) -> list[str]:
    """Return the options marked in a row's option cells."""
    marked = [col for col, cell in options if cell.mark is Mark.TICKED]
    if 0 < len(marked) < len(options):
        # Shading or highlight picks one cell out: the words printed in every cell are not marks.
        # (A whole row shaded alike is table styling, and says nothing.)
        return marked
    return [col for col, cell in options if _is_ticked(cell, col)]


# A spreadsheet's check box control writes TRUE or FALSE in its linked cell; some referrers
# type 1 and 0. FALSE is no "No" written in the No column.
_CELL_FLAGS = {"true": True, "false": False, "1": True, "0": False}


def _is_ticked(cell: Cell, option: str) -> bool:
    if glyph_mark(cell.text) is Mark.TICKED:
        return True
    if cell.text.lower() in _CELL_FLAGS:
        return _CELL_FLAGS[cell.text.lower()]
    # "Yes" or "Y" written in any answer column marks it, as does the column's own word.
    return bool(cell.text) and answer_word(cell.text) in ("yes", option)


_BOX_CHARS = r"[\s☒☑✓✔✗✘■☐□xX\[\]()/]*"
_ONLY_OPTIONS = re.compile(rf"{_BOX_CHARS}((yes|no|don'?t know|dk|unknown){_BOX_CHARS})+", re.I)


def answer_line(text: str) -> tuple[str | None, bool]:
    """Read a line that is only an answer: boxes ("☒ Yes ☐ No") or "Answer: Yes"; else nothing.

    Returns (None, False) when the line is not an answer line at all.
    """
    boxes = ticked_options(text)
    if boxes and _ONLY_OPTIONS.fullmatch(text):
        return (boxes[0], not boxes_paired(text)) if len(boxes) == 1 else (None, True)
    if m := re.fullmatch(r"\s*(answer|response)\s*[:\-]\s*(.+)", text, re.I):
        word = answer_word(m[2])
        return word, word is None
    return None, False


def _typed_answer(text: str) -> tuple[str | None, bool]:
    boxes = ticked_options(text)
    if boxes:
        return (boxes[0], not boxes_paired(text)) if len(boxes) == 1 else (None, True)
    if has_boxes(text):
        return None, True  # boxes printed, none ticked beside a word: the words are the options
    word = answer_word(text)
    return word, word is None


_TEXT_ANSWER = re.compile(
    r"(?:\?|\s[-–—:]|:)\s*[-–—:]?\s*(yes|no|don'?t know|dk|unknown|not known|n/k|y|n)\b(?!/)",
    re.I,
)


_COMPACT = re.compile(r"^q\.?\s*(\d{1,2})[.):]?\s*\[\s*([a-z/' ]{0,10}?)\s*\]\s*(.*)$", re.I)


def _compact(row: Row) -> QuestionRow | None:
    """Read a compact list line, 'Q07 [Y]' or 'Q07 [DK] Question words'."""
    m = _COMPACT.match(row.text)
    if m is None:
        return None
    value = answer_word(m[2]) if m[2] else None
    return QuestionRow(int(m[1]), m[3], value, value is None, row.where, listed=True)


def _option_cells(row: Row) -> QuestionRow | None:
    """Read a row whose cells print every option word, one picked out by a mark (or none)."""
    words = [(c, answer_word(c.text)) for c in row.cells]
    options = [(c, w) for c, w in words if w and len(c.text) <= 12]
    if len({w for _, w in options}) < 2:
        return None
    marked = [w for c, w in options if c.mark is Mark.TICKED or glyph_mark(c.text) is Mark.TICKED]
    question = " ".join(c.text for c, w in words if not (w and len(c.text) <= 12))
    value = marked[0] if len(marked) == 1 else None
    return QuestionRow(None, question, value, value is None, row.where)


def from_text(row: Row) -> QuestionRow:
    """Read a line such as '3. Question? - Yes (comment)' or 'Question ☒ Yes ☐ No'."""
    if (compact := _compact(row)) is not None:
        return compact
    text = row.text
    number = None
    if m := re.match(r"^(?:q\.?\s*)?(\d{1,2})[.):]?\s+(.*)$", text, re.I):
        number, text = int(m[1]), m[2]
    if len(row.cells) > 2 and (marked := _option_cells(row)) is not None:
        marked.number = number
        if number is not None:
            marked.text = re.sub(r"^(?:q\.?\s*)?\d{1,2}[.):]?\s+", "", marked.text, flags=re.I)
        return marked
    boxes = ticked_options(text)
    cut = re.search(r"[☒☑✓✔✗✘■☐□\[]", text)
    question = text[: cut.start()] if cut else text
    if boxes:
        one = boxes[0] if len(boxes) == 1 else None
        return QuestionRow(number, question, one, one is None or not boxes_paired(text), row.where)
    if has_boxes(text):
        # Boxes printed but none ticked beside a word: never take a printed option word
        # ("pet? Yes ☐ ☒") for the answer.
        return QuestionRow(number, question, None, True, row.where)
    tail = text.rfind("?")
    found = _TEXT_ANSWER.search(text, max(tail, 0))
    if found and lists_options(text[found.start(1) :]):
        # "Question? Yes / No / Don't know": the printed choices, the one picked not in the words
        why = "the choices are printed, the one picked is not in the text"
        return QuestionRow(number, text[: found.start() + 1], None, True, row.where, why=why)
    if found:
        return QuestionRow(
            number, text[: found.start() + 1], answer_word(found[1]), False, row.where
        )
    return QuestionRow(number, text, None, True, row.where)
