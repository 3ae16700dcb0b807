"""Find DASH / S-DASH checklists in a document's rows and read each question's answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from mailbox.fields import match_label
from mailbox.grid import Cell, Document, Mark, Row
from mailbox.questions import DASH, SDASH, match_question, vote_instrument
from mailbox.values import answer_word, ticked_options

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
_HEADER_PATTERNS = (
    (r"^(yes|y) ?/ ?(no|n)", "answer"),
    (r"don'?t know|not known|unknown|unsure", "dont_know"),
    (r"question|risk (factor|indicator)", "question"),
    (r"^(q|no|ref|item)\.? ?(no|number)?\.?$", "number"),
    (r"comment|note|detail|source|evidence|information", "comment"),
)
MIN_QUESTIONS = 3


@dataclass(frozen=True)
class Answer:
    """One question's answer, whether it is doubtful, and where it was read."""

    value: str | None
    doubt: bool
    where: str


@dataclass
class _QRow:
    number: int | None
    text: str
    value: str | None
    doubt: bool
    where: str


@dataclass
class Checklist:
    """A checklist found in a document: its instrument and answers by question id."""

    instrument: str
    answers: dict[str, Answer] = field(default_factory=dict)


@dataclass
class _Segment:
    instrument: str | None
    rows: list[_QRow] = field(default_factory=list)


Header = dict[str, float]


def _header_word(text: str) -> str | None:
    word = " ".join(text.lower().replace("\u2019", "'").split()).strip(" ?:")
    if word in _HEADER_WORDS:
        return _HEADER_WORDS[word]
    for pattern, meaning in _HEADER_PATTERNS:
        if re.search(pattern, word):
            return meaning
    # Any other short title ("Source of information", "Officer notes") is a column we ignore.
    return "skip" if len(word) <= 40 and "?" not in text else None


def parse_header(row: Row) -> Header | None:
    """Return column positions when every cell of the row is a checklist heading word."""
    cells = [c for c in row.cells if c.text]
    words = [_header_word(c.text) for c in cells]
    if len(cells) < 2 or None in words:
        return None
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


def heading_instrument(row: Row) -> str | None:
    """Return the instrument a heading line announces (S-DASH or DASH), if it is one."""
    text = row.text.lower()
    if len(text) > 100 or "?" in text or re.search(r"\d|:\s*\S", text):
        return None
    if re.search(r"s-?dash|stalking (screen|risk|question|assessment)|screening question", text):
        return SDASH
    if re.search(r"\bdash\b|risk identification|risk checklist|risk assessment", text):
        return DASH
    return None


def _column(cell: Cell, header: Header) -> str:
    return min(header, key=lambda k: abs(header[k] - cell.x))


def _from_columns(row: Row, header: Header) -> _QRow:
    number, texts, ticked, typed = None, [], [], []
    for cell in row.cells:
        col = _column(cell, header)
        if col == "number" and re.fullmatch(r"q?\d{1,2}[.)]?", cell.text.lower()):
            number = int(re.sub(r"\D", "", cell.text))
        elif col == "question" or (col == "number" and cell.text):
            texts.append(cell.text)
        elif col in OPTIONS and _is_ticked(cell, col):
            ticked.append(col)
        elif col == "answer" and cell.text:
            typed.append(cell.text)
    text = " ".join(texts)
    if "question" not in header and not texts:
        text = max((c.text for c in row.cells), key=len, default="")
    if typed:
        value, doubt = _typed_answer(" ".join(typed))
    else:
        value, doubt = (ticked[0], False) if len(ticked) == 1 else (None, True)
    return _QRow(number, text, value, doubt, row.where)


def _is_ticked(cell: Cell, option: str) -> bool:
    if cell.tick is Mark.TICKED:
        return True
    # "Yes" or "Y" written in any answer column marks it, as does the column's own word.
    return bool(cell.text) and answer_word(cell.text) in ("yes", option)


def _typed_answer(text: str) -> tuple[str | None, bool]:
    boxes = ticked_options(text)
    if boxes:
        return (boxes[0], False) if len(boxes) == 1 else (None, True)
    word = answer_word(text)
    return word, word is None


_TEXT_ANSWER = re.compile(
    r"(?:\?|\s[-–—:]|:)\s*[-–—:]?\s*(yes|no|don'?t know|dk|unknown|not known|n/k|y|n)\b(?!/)",
    re.I,
)


def _from_text(row: Row) -> _QRow:
    text = row.text
    number = None
    if m := re.match(r"^(?:q\.?\s*)?(\d{1,2})[.):]?\s+(.*)$", text, re.I):
        number, text = int(m[1]), m[2]
    boxes = ticked_options(text)
    if boxes:
        cut = re.search(r"[☒☑✓✔✗✘■☐□\[]", text)
        question = text[: cut.start()] if cut else text
        return _QRow(
            number, question, boxes[0] if len(boxes) == 1 else None, len(boxes) != 1, row.where
        )
    tail = text.rfind("?")
    found = _TEXT_ANSWER.search(text, max(tail, 0))
    if found:
        return _QRow(number, text[: found.start() + 1], answer_word(found[1]), False, row.where)
    return _QRow(number, text, None, True, row.where)


def _is_question(q: _QRow, in_table: bool) -> bool:
    if match_label(q.text, None) is not None:
        return False  # a referral-form label such as "Reason for referral", not a question
    found = match_question(q.text)
    if found is None:
        return in_table and q.number is not None and bool(q.text)
    if not in_table and q.number is None and "?" not in q.text:
        return False  # prose in a letter, not a checklist line
    return found.score == 1.0 or q.number is not None


def _block(row: Row) -> str:
    """Return the table or page a row belongs to; a header applies only within it."""
    block = re.sub(r" (row|line) \d+$", "", row.where)
    return re.sub(r" page \d+$", " pages", block)


def _continues(row: Row, header: Header | None, last: _QRow | None) -> bool:
    """Tell whether a row carries on the wrapped question text of the row before.

    Only numbered checklists can tell a wrapped line (no number) from a new question.
    """
    if header is None or last is None or not {"question", "number"} <= header.keys():
        return False
    if any(c.tick is Mark.TICKED for c in row.cells):
        return False
    cols = {_column(c, header) for c in row.cells if c.text}
    return bool(cols) and cols <= {"question", "comment"} and "question" in cols


def _segments(doc: Document) -> tuple[list[_Segment], set[int]]:
    segments: list[_Segment] = []
    used: set[int] = set()
    header: Header | None = None
    pending: str | None = None
    current: _Segment | None = None
    block = ""
    for i, row in enumerate(doc.rows):
        if _block(row) != block:
            block, header = _block(row), None
        if (found := parse_header(row)) is not None:
            header, used = found, used | {i}
            continue
        if (inst := heading_instrument(row)) is not None:
            pending, header, current = inst, None, None
            continue
        last = current.rows[-1] if current and current.rows else None
        if _continues(row, header, last) and last is not None:
            qtext = " ".join(
                c.text for c in row.cells if header and _column(c, header) == "question"
            )
            last.text = f"{last.text} {qtext}"
            used.add(i)
            continue
        q = _from_columns(row, header) if header else _from_text(row)
        if not _is_question(q, header is not None):
            continue
        if current is None or (q.number == 1 and any(r.number for r in current.rows)):
            current = _Segment(pending)
            segments.append(current)
        current.rows.append(q)
        used.add(i)
    return [s for s in segments if len(s.rows) >= MIN_QUESTIONS], used


def find_checklists(doc: Document) -> tuple[list[Checklist], set[int]]:
    """Return the checklists in a document and the row indexes they used."""
    segments, used = _segments(doc)
    return [_read_segment(s) for s in segments], used


def _read_segment(segment: _Segment) -> Checklist:
    instrument = segment.instrument or vote_instrument([r.text for r in segment.rows]) or DASH
    numbers = [r.number for r in segment.rows if r.number]
    canonical = max(numbers, default=0) == (24 if instrument == DASH else 11)
    checklist = Checklist(instrument)
    for row in segment.rows:
        qid, doubt = _question_id(row, instrument, canonical)
        if qid is None or qid.startswith("acpo:"):
            continue
        answer = Answer(row.value, doubt or row.doubt, row.where)
        if qid in checklist.answers:
            answer = _clash(checklist.answers[qid], answer)
        checklist.answers[qid] = answer
    return checklist


def _question_id(row: _QRow, instrument: str, canonical: bool) -> tuple[str | None, bool]:
    found = match_question(row.text, instrument)
    position = str(row.number) if canonical and row.number else None
    if found is None or not found.unique:
        # Not recognised by meaning: fall back on the printed number only on a standard form.
        return position, True
    doubt = found.score < 1.0 or (position is not None and position != found.qid)
    return found.qid, doubt


def _clash(first: Answer, second: Answer) -> Answer:
    same = first.value == second.value
    return Answer(first.value if same else None, True, first.where)
