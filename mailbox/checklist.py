"""Find DASH / S-DASH checklists in a document's rows and read each question's answer."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from mailbox.fields import match_label
from mailbox.grid import Document, Mark, Row
from mailbox.questions import DASH, SDASH, match_question, vote_instrument
from mailbox.rows import (
    Header,
    QuestionRow,
    answer_line,
    column_of,
    from_columns,
    from_text,
    parse_header,
    with_comment,
)
from workflow.assessment.checklists import ACPO_DASH_QUESTIONS, DASH_QUESTIONS, S_DASH_QUESTIONS

MIN_QUESTIONS = 5  # fewer questions than this are prose, not a checklist
MAX_GAP = 8  # rows between two questions of one checklist (page breaks, wrapped lines)


@dataclass(frozen=True)
class Answer:
    """One question's answer, whether it is doubtful, and where it was read."""

    value: str | None
    doubt: bool
    where: str
    why: str = ""  # what made it doubtful, shown beside where it was read


@dataclass
class Checklist:
    """A checklist found in a document: its instrument and answers by question id."""

    instrument: str
    answers: dict[str, Answer] = field(default_factory=dict)


@dataclass
class _Segment:
    instrument: str | None
    rows: list[QuestionRow] = field(default_factory=list)


_SECTION = re.compile(r"^(section|part|step)\s*\d+\s*[.:)-]?\s*")
_YEAR = re.compile(r"\(?\b(19|20)\d\d\)?")
_NOT_HEADING = re.compile(r"\d|:\s*\S")
_SDASH_HEADING = re.compile(
    r"s-?dash|stalking (screen|risk|question|assessment)|screening question"
)
_DASH_HEADING = re.compile(r"\bdash\b|risk identification|risk checklist|risk assessment")


def heading_instrument(row: Row) -> str | None:
    """Return the instrument a heading line announces (S-DASH or DASH), if it is one."""
    return _heading_instrument(row.text)


@functools.lru_cache(maxsize=4096)  # asked of every row twice (announced, then the scan)
def _heading_instrument(line: str) -> str | None:
    text = _SECTION.sub("", line.lower())
    text = _YEAR.sub("", text)  # "ACPO DASH (2009)": a year, not a number
    if len(text) > 100 or "?" in text or _NOT_HEADING.search(text):
        return None
    if _SDASH_HEADING.search(text):
        return SDASH
    if _DASH_HEADING.search(text):
        return DASH
    return None


def _is_question(q: QuestionRow, header: Header | None) -> bool:
    in_table = header is not None or q.listed
    found = match_question(q.text)
    if in_table and found is not None and found.score == 1.0:
        return True  # a checklist row that also reads like a label ("… or who they are …")
    if in_table and q.number is not None and q.value is not None:
        return True  # numbered and answered under a checklist heading ("21 | Perp … | ☒")
    if header is not None and _ticked_first_line(q, header):
        return True  # "Perp | ☒", its words wrapping below: a label's word, but a question's tick
    if match_label(q.text, None) is not None:
        return False  # a referral-form label such as "Reason for referral", not a question
    if q.number is None and match_label(q.text.split("?")[0] + "?", None) is not None:
        return False  # two label/value pairs side by side: "How many children …? | 2 | …"
    if found is None:
        # A numbered row we may place by number, or an answered row whose words wrap below.
        return in_table and (q.number is not None or q.value is not None)
    if not in_table and q.number is None and ("?" not in q.text or q.value is None):
        return False  # prose in a letter, not a checklist line
    # A partly matched row still counts when a table row answers it: its words may wrap below.
    return found.score == 1.0 or q.number is not None or (in_table and q.value is not None)


def _ticked_first_line(q: QuestionRow, header: Header) -> bool:
    """Tell whether a row is the first line of a question wrapped in a narrow column: a word or
    two, not ended as a label or question is, with a tick in an option column (the table has no
    typed-answer column, where a details row's "Yes" might stand)."""
    text = q.text.strip()
    return (
        q.value is not None
        and q.number is None
        and "answer" not in header
        and 0 < len(text.split()) <= 2
        and not text.endswith(("?", ":"))
    )


_ROW_NUMBER, _PAGE_NUMBER = re.compile(r" (row|line) \d+$"), re.compile(r" page \d+$")


def _block(row: Row) -> str:
    """Return the table or page a row belongs to; a header applies only within it."""
    return _PAGE_NUMBER.sub(" pages", _ROW_NUMBER.sub("", row.where))


def _continues(row: Row, header: Header | None, last: QuestionRow | None) -> bool:
    """Tell whether a row carries on the wrapped question text of the row before.

    A numbered checklist tells a wrapped line (no number) from a new question; an unnumbered
    one only when the line above stopped mid-question.
    """
    if header is None or last is None or "question" not in header:
        return False
    if any(c.tick is Mark.TICKED for c in row.cells):
        return False
    # "know" under the Don't know column is the option's printed word wrapping, not an answer.
    cols = {column_of(c, header) for c in row.cells if c.text and c.text.lower() != "know"}
    if not (cols and cols <= {"question", "comment"}):
        return False
    if "question" not in cols:
        return True  # only the comment column carries on
    # Without numbers, only a question that stopped mid-sentence carries on.
    return "number" in header or not last.text.rstrip().endswith("?")


class _Scanner:
    """Walk a document's rows once, gathering question rows into checklist segments."""

    def __init__(self) -> None:
        self.segments: list[_Segment] = []
        self.used: set[int] = set()
        self.header: Header | None = None
        self.pending: str | None = None  # the instrument the last heading announced
        self.current: _Segment | None = None
        self.block, self.last_used = "", 0
        self.width = 0  # how many cells the heading row had

    def feed(self, i: int, row: Row) -> None:
        if _block(row) != self.block:
            self.block, self.header = _block(row), self._carried(row)
        if i - self.last_used > MAX_GAP:
            self.current = None  # questions far apart in a letter are not one checklist
        if (found := parse_header(row)) is not None:
            self.header, self.width = found, len(row.cells)
            self._use(i)
        elif (inst := heading_instrument(row)) is not None:
            self.pending, self.header, self.current = inst, None, None
        elif _stacked_details(row):
            return  # a box of "Label: value" lines ("Consented?: Yes") is details, not a question
        elif not self._carry_on(i, row) and not self._answer_below(i, row):
            self._question(i, row)

    def _carried(self, row: Row) -> Header | None:
        """Keep the heading for a table that carries on (split over a page) without its own.

        Only while a checklist is being read, and only when the new table has as many columns.
        """
        header, width = self.header, self.width
        if header is None or self.current is None or len(row.cells) != width:
            return None
        return None if parse_header(row) is not None else header

    def _use(self, i: int) -> None:
        self.used.add(i)
        self.last_used = i

    def _carry_on(self, i: int, row: Row) -> bool:
        last = self.current.rows[-1] if self.current and self.current.rows else None
        if last is None or self.last_used != i - 1 or not _continues(row, self.header, last):
            return False  # only the line right under a question (or its wrapped lines) carries on
        header = self.header or {}
        words = [c.text for c in row.cells if column_of(c, header) == "question"]
        last.text = " ".join([last.text, *words])
        notes = [c.text for c in row.cells if column_of(c, header) == "comment"]
        if notes and "comment" in header:  # the comment wraps too: "Don't" / "know – not asked"
            with_comment(last, " ".join([last.comment, *notes]).strip())
        self._use(i)
        return True

    def _answer_below(self, i: int, row: Row) -> bool:
        """Take a line holding only the answer ("☒ Yes ☐ No") for the question just above."""
        last = self.current.rows[-1] if self.current and self.current.rows else None
        if last is None or last.value is not None or self.header is not None:
            return False
        value, doubt = answer_line(row.text)
        if value is None and not doubt:
            return False
        last.value, last.doubt = value, doubt
        self._use(i)
        return True

    def _question(self, i: int, row: Row) -> None:
        q = from_columns(row, self.header) if self.header else from_text(row)
        if not _is_question(q, self.header):
            return
        if self.header and q.number is None and q.value is None and _stray(q, self.header):
            return  # a signature or note under the table ("Police Constable"), not a question
        current = self.current
        if current is None or (q.number == 1 and any(r.number for r in current.rows)):
            current = self.current = _Segment(self.pending)
            self.segments.append(current)
            self.pending = None  # a heading names the one checklist under it
        current.rows.append(q)
        self._use(i)


_LABEL_LINE = re.compile(r"^[^:?]{2,70}[:?]\s*\S")


def _stacked_details(row: Row) -> bool:
    """Tell whether a cell holds three or more "Label: value" lines typed one under another."""
    return any(sum(1 for line in c.lines if _LABEL_LINE.match(line)) >= 3 for c in row.cells)


def _stray(q: QuestionRow, header: Header) -> bool:
    """Tell whether an unanswered, unnumbered line under a checklist heading is no question."""
    if "number" in header:
        return True  # the checklist numbers its questions, and this line has none
    found = match_question(q.text)
    return "?" not in q.text and (found is None or found.score < 1.0)


def _segments(doc: Document) -> tuple[list[_Segment], set[int]]:
    scanner = _Scanner()
    for i, row in enumerate(doc.rows):
        scanner.feed(i, row)
    return [s for s in scanner.segments if len(s.rows) >= MIN_QUESTIONS], scanner.used


def announced(doc: Document) -> set[str]:
    """Return the instruments the document's headings name, read or not."""
    return {inst for row in doc.rows if (inst := heading_instrument(row)) is not None}


def find_checklists(doc: Document) -> tuple[list[Checklist], set[int]]:
    """Return the checklists in a document and the row indexes they used."""
    segments, used = _segments(doc)
    return [_read_segment(s) for s in segments], used


def _read_segment(segment: _Segment) -> Checklist:
    numbers = [r.number for r in segment.rows if r.number]
    # When no question has words, the count tells the checklist.
    by_count = SDASH if max(numbers, default=0) == S_DASH_QUESTIONS else DASH
    instrument = segment.instrument or vote_instrument([r.text for r in segment.rows]) or by_count
    places = _places(instrument, max(numbers, default=0))
    checklist = Checklist(instrument)
    for row in segment.rows:
        qid, why = _question_id(row, instrument, places)
        if qid is None or qid.startswith("acpo:"):
            continue
        why = row.why or why or ("no clear answer" if row.doubt else "")
        answer = Answer(row.value, bool(why) or row.doubt, row.where, why)
        if qid in checklist.answers:
            answer = _clash(checklist.answers[qid], answer)
        checklist.answers[qid] = answer
    return checklist


def _places(instrument: str, last: int) -> dict[int, str]:
    """Return the question each printed number stands for on a standard form, else nothing.

    The SafeLives DASH numbers 1-24, the S-DASH 1-11; the ACPO DASH (2009) numbers 27, its 10-12
    being the children questions the SafeLives 24 does not ask.
    """
    if (instrument, last) in ((DASH, DASH_QUESTIONS), (SDASH, S_DASH_QUESTIONS)):
        return {n: str(n) for n in range(1, last + 1)}
    if (instrument, last) == (DASH, ACPO_DASH_QUESTIONS):
        return {
            n: str(n) if n < 10 else "acpo:" if n < 13 else str(n - 3)
            for n in range(1, ACPO_DASH_QUESTIONS + 1)
        }
    return {}


def _question_id(
    row: QuestionRow, instrument: str, places: dict[int, str]
) -> tuple[str | None, str]:
    """Return the question a row asks and, when unsure, why."""
    found = match_question(row.text, instrument)
    position = places.get(row.number) if row.number else None
    if found is None or not found.unique:
        # Not recognised by meaning: fall back on the printed number only on a standard form.
        return position, "question found by its number, not its words"
    if position is not None and position != found.qid:
        return found.qid, f"question numbered {row.number} reads like question {found.qid}"
    return found.qid, "" if found.score == 1.0 else "question wording unsure"


def _clash(first: Answer, second: Answer) -> Answer:
    if (first.value is None) != (second.value is None):
        # One of the two rows is answered: most likely the question, the other a stray line.
        kept = first if first.value is not None else second
        return Answer(kept.value, True, kept.where, "question appears twice")
    same = first.value == second.value
    return Answer(first.value if same else None, True, first.where, "question answered twice")
