"""Read one document's referral-form fields and checklists, with where each came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mailbox.checklist import Checklist, announced, find_checklists
from mailbox.fields import match_label, normalise_label, role_of
from mailbox.grid import Document, Row
from mailbox.labels import OTHER_LABELS
from mailbox.runon import cut_run_on, leading_label
from mailbox.values import answer_word

MIN_FIELDS = 3


@dataclass(frozen=True)
class Found:
    """The text given for one record path, and where it was read."""

    text: str
    where: str
    doubt: bool = False  # said twice differently, or perhaps running on to the next line


@dataclass
class FormReading:
    """What one document says: field texts, checklists and the form's title."""

    document: str
    checklists: list[Checklist] = field(default_factory=list)
    announced: set[str] = field(default_factory=set)  # checklists its headings name
    pathway: str | None = None
    fields: dict[str, Found] = field(default_factory=dict)

    @property
    def is_form(self) -> bool:
        """Tell whether the document carries a referral form or a checklist."""
        filled = [k for k, f in self.fields.items() if not k.startswith("_") and f.text]
        # A signature block ("Tel:", "Email:", "Role:") names no victim or perpetrator.
        about_someone = any(k.startswith(("victim.", "perpetrator.")) for k in filled)
        return (len(filled) >= MIN_FIELDS and about_someone) or bool(self.checklists)


def read_form(doc: Document) -> FormReading:
    """Read a document's labelled fields (outside its checklists) and its checklists."""
    checklists, used = find_checklists(doc)
    reading = FormReading(doc.name, checklists, announced(doc), _title_pathway(doc.rows[:8]))
    context: str | None = None
    rows = doc.rows
    for index, row in enumerate(rows):
        if index in used:
            continue
        below = rows[index + 1] if index + 1 < len(rows) and index + 1 not in used else None
        stacked, doubtful = _stacked_pairs(row), set[str]()
        columns = None if stacked else _line_columns(rows, index, used)
        if columns:
            stacked, doubtful = columns[0], columns[1]
            used = used | columns[2]  # the label's and the values' wrapped lines are read
        pairs = stacked or _column_pairs(row, below) or _pairs(row)
        more, unsure = _carried(rows, index, used, pairs[-1]) if pairs else ([], False)
        if stacked:
            more, below = [], None  # the cell's own lines are its values; no box runs on below
        if more:
            lines = [pairs[-1][1], *(rows[i].text for i in more)]
            pairs[-1] = (pairs[-1][0], ", ".join(t.strip(" ,") for t in lines if t.strip(" ,")))
            used = used | set(more)  # the lines below belong to this box's value
            below = None
        matched = False
        for label, value in pairs:
            key = match_label(label, context)
            if key is None:
                # An unrecognised label still says whose section this is ("Child 1 name").
                context = _section(label) or context
                continue
            matched = True
            if key.split(".")[0] in ("victim", "perpetrator", "referrer"):
                context = key.split(".")[0]  # bare labels that follow ("Date of birth") are theirs
            runs_on = bool(value.strip()) and _runs_on(row, below)
            if key == "victim.address" and below is not None and _continues(row, row, below, 2):
                runs_on = True  # a line below it not taken as its own: perhaps the town
            runs_on = runs_on or (unsure and label == pairs[-1][0]) or label in doubtful
            context = _take(reading, key, value.strip(), row.where, runs_on, context)
        if not matched and len([c for c in row.cells if c.text]) == 1:
            context = _section(row.text) or context  # a heading, merged across the row or not
    return reading


def _take(
    reading: FormReading, key: str, value: str, where: str, doubt: bool, context: str | None
) -> str | None:
    """Keep a value, cut where it runs into the next box's label (both then doubted)."""
    value, after = cut_run_on(key, value)
    _keep(reading, key, Found(value, where, doubt=doubt or after is not None))
    if after is None:
        return context
    label, rest = after
    following = match_label(label, context)
    if following is None:
        return context
    return _take(reading, following, rest, where, True, _role(following) or context)


def _role(key: str) -> str | None:
    root = key.split(".")[0]
    return root if root in ("victim", "perpetrator", "referrer") else None


def _carried(
    rows: list[Row], index: int, used: set[int], pair: tuple[str, str]
) -> tuple[list[int], bool]:
    """Return the rows below that carry on a row's last value (an address's town and postcode
    lines, or the value under a label that stands alone: "Victim name" over "Vera Holt"), and
    whether any of them is doubtful (typed back under the label, not under the value)."""
    label, value = pair
    key = match_label(label, None) or match_label(label, "victim")
    if key is None or (value.strip() and key != "victim.address"):
        return [], False
    limit = 4 if key == "victim.address" else 1
    step = _line_step(rows, index)
    more: list[int] = []
    unsure = False
    for j in range(index + 1, min(index + 1 + limit, len(rows))):
        verdict = "" if j in used else _continues(rows[index], rows[j - 1], rows[j], step)
        if not verdict:
            break
        more.append(j)
        unsure = unsure or verdict == "unsure"
    return more, unsure


def _line_step(rows: list[Row], index: int) -> int:
    """Return how many line numbers lie between one line and the next here: 2 where a PDF's
    layout puts a blank line after every paragraph (as a word processor's PDF does), else 1."""
    here = _position(rows[index].where)
    before = _position(rows[index - 1].where) if index else None
    if here and before and here[0] == before[0] and " page " in rows[index].where:
        return 2 if here[1] - before[1] == 2 else 1
    return 1


def _continues(first: Row, previous: Row, row: Row, step: int = 1) -> str:
    """Tell whether `row` is the next line of the value that ends `first`: "sure" under the
    value, "unsure" typed back at the label's column ("Address:  1 High St" over "Ely"), else ""."""
    here, there = _position(previous.where), _position(row.where)
    if here is None or there is None or here[0] != there[0]:
        return ""
    if there[1] - here[1] not in (1, step):  # the next line, or the next paragraph's
        return ""
    texts = [c for c in row.cells if c.text]
    labelled = [c for c in first.cells if c.text]
    if not texts or not labelled or not _plain_value(" ".join(c.text for c in texts)):
        return ""
    if len(labelled) == 1:
        return "sure" if len(texts) == 1 else ""
    tolerance = 3.0 if " line " in row.where else 0.5  # character columns, or table columns
    if min(c.x for c in texts) >= labelled[-1].x - tolerance:
        return "sure"
    # Under the label: in typed text the town often is; in a table it is a box of its own.
    typed = " line " in row.where and len(texts) == 1 and labelled[0].text.endswith(":")
    return "unsure" if typed else ""


def _position(where: str) -> tuple[str, int] | None:
    found = re.search(r"^(.*) (line|row|paragraph) (\d+)$", where)
    return (found[1], int(found[3])) if found else None


def _plain_value(text: str) -> bool:
    """Tell whether a line is no label, question or heading of its own."""
    return (
        ":" not in text
        and not _is_label(_split(text)[0])
        and not re.match(r"^[A-Z][A-Z &()/-]+$", text)  # a heading in capitals
        and not (re.match(r"^\d{1,2}[.)]?\s", text) and _questionlike(text))
        and not _HEADING.search(text)
        and not re.search(r"checklist|referral form|\bdash\b", text, re.I)
        and not _OTHER_LABEL.match(text)
    )


def _questionlike(text: str) -> bool:
    """Tell a numbered question ("3. Are you very frightened?") from a house number."""
    return "?" in text or len(text.split()) > 6 or bool(re.match(r"^\d{1,2}[.)]", text))


_OTHER_LABEL = re.compile(rf"({'|'.join(OTHER_LABELS)})\b", re.I)


def _runs_on(row: Row, below: Row | None) -> bool:
    """Tell whether a typed value may carry on to the next line (which is no label of its own)."""
    if below is None or len(row.cells) != 1 or len(below.cells) != 1:
        return False
    here, there = _line_number(row), _line_number(below)
    return here is not None and there == here + 1 and _plain_value(below.text)


# A short line ending like a section heading ("Victim details", "Referral information").
_HEADING = re.compile(r"^[\w '/&-]{0,40}\b(details|information|section|referral|checklist)$", re.I)


def _line_number(row: Row) -> int | None:
    found = re.search(r" line (\d+)$", row.where)
    return int(found[1]) if found else None


def _section(label: str) -> str | None:
    """Return whose section a heading or short label opens, if it names anyone."""
    return role_of(normalise_label(label)) if len(label) < 60 else None


def _keep(reading: FormReading, key: str, found: Found) -> None:
    earlier = reading.fields.get(key)
    if earlier is None or (not earlier.text and found.text):
        reading.fields[key] = found
    elif found.text and _same(earlier.text) != _same(found.text):
        reading.fields[key] = Found(earlier.text, earlier.where, doubt=True)


def _same(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def _pairs(row: Row) -> list[tuple[str, str]]:
    """Return the (label, value) pairs a row holds: 'Label: value' text or label/value cells."""
    cells = [c.text for c in row.cells]
    if len(cells) == 1:
        return [_line_pair(row)]
    if len(cells) == 2 and not _split(cells[0])[1]:
        return [(cells[0], cells[1])]  # the usual label | value row, whatever the value says
    pairs, i = [], 0
    while i < len(cells):
        label, value = _split(cells[i])
        if value and _is_label(label):  # "Victim name: Vera" within one cell
            pairs.append((label, value))
            i += 1
            continue
        if not _is_label(label):
            i += 1
            continue
        end = i + 1
        while end < len(cells) and not _is_label(cells[end]):
            end += 1  # a value may run over several cells: "Yes ☐ | No ☒"
        pairs.append((label, " ".join(c for c in cells[i + 1 : end] if c)))
        i = end
    return pairs


def _stacked_pairs(row: Row) -> list[tuple[str, str]]:
    """Return the 'Label: value' lines typed one under another in a single cell, if any.

    A referrer may type a whole block of details into one box, a line each. A plain line with
    no label carries on the value above it (an address's town); a heading or an unknown label
    ("Ethnicity: …") does not.
    """
    pairs: list[tuple[str, str]] = []
    for cell in row.cells:
        found: list[tuple[str, str]] = []
        for line in cell.lines:
            label, value = _split(line)
            if value and _is_label(label):
                found.append((label, value))
            elif found and _plain_value(line):
                found[-1] = (found[-1][0], f"{found[-1][1]}, {line}")
        if len(found) >= 2:
            pairs += found
    return pairs


def _line_pair(row: Row) -> tuple[str, str]:
    """Return a line's label and value; printed forms may lose the colon after the label."""
    text = row.cells[0].text
    label, value = _split(text)
    if not re.search(r" (page|paragraph) \d+", row.where) or _HEADING.search(text):
        return label, value  # a body's lines may be prose: only "Label: value" counts there
    bare = leading_label(text)  # "Victim name Vera Victim", "Children 2 Consent? Yes"
    if bare and (not value or len(normalise_label(bare[0])) < len(normalise_label(label))):
        return bare
    return label, value


def _column_pairs(row: Row, below: Row | None) -> list[tuple[str, str]]:
    """Pair a row of labels with the row of values under it ("Name | DOB" over "Vera | 1/2/88")."""
    if below is None or len(row.cells) < 2 or len(row.cells) != len(below.cells):
        return []
    labels = [c.text for c in row.cells]
    values = [c.text for c in below.cells]
    named = [t for t in labels if t]  # a short last row leaves its end cells blank
    if len(named) < 2 or not all(_is_label(t) for t in named):
        return []
    if any(_label_cell(t) for t in values if t):
        return []
    return [(label, value) for label, value in zip(labels, values, strict=True) if label]


LineColumns = tuple[list[tuple[str, str]], set[str], set[int]]


def _line_columns(rows: list[Row], index: int, used: set[int]) -> LineColumns | None:
    """Read a row of labels over a row of values in a PDF's text, words wrapped in their columns.

    A word processor's PDF of a table puts each cell's wrapped words on the lines below
    ("Victim" over "address"; "Maria" over "Kowalska"), in the column they belong to. A label's
    wrapped words are taken when they make it a label; a value's are joined and doubted.
    """
    row = rows[index]
    if " line " not in row.where or len(row.cells) < 2:
        return None
    starts = [c.x for c in row.cells]
    labels = [c.text for c in row.cells]
    taken: set[int] = set()
    k = _next_line(rows, index, used, 1)
    while k is not None and _within(rows[k], starts) and (grown := _grow(labels, rows[k], starts)):
        labels, taken = grown, taken | {k}
        k = _next_line(rows, k, used, 1)
    # Labels are short: a long cell that happens to name a field ("Professional judgement -
    # serious escalation") is a value beside its label, not a label over a row of values.
    if len(labels) < 2 or not all(_is_label(t) and len(t) <= 45 for t in labels):
        return None
    k = _next_line(rows, max([index, *taken]), used, 3)
    if k is None or not _within(rows[k], starts) or any(_label_cell(c.text) for c in rows[k].cells):
        return None
    values = [""] * len(labels)
    doubtful: set[str] = set()
    first = True
    while k is not None and _within(rows[k], starts) and _plain_cells(rows[k]):
        for cell in rows[k].cells:
            i = _column(cell.x, starts)
            email = match_label(labels[i], None) == "referrer.email"  # an address has no spaces
            joiner = "" if not values[i] or email else " "
            values[i] = f"{values[i]}{joiner}{cell.text}".strip()
            if not first:
                doubtful.add(labels[i])  # a wrapped value: joined, and checked by a person
        taken, first = taken | {k}, False
        k = _next_line(rows, k, used, 1)
    if first:
        return None  # no line of values under the labels
    return list(zip(labels, values, strict=True)), doubtful, taken


def _plain_cells(row: Row) -> bool:
    return all(_plain_value(c.text) for c in row.cells)  # each column's words on their own


def _next_line(rows: list[Row], index: int, used: set[int], gap: int) -> int | None:
    """Return the next row when it is a line of the same page at most `gap` lines further on."""
    k = index + 1
    here, there = _position(rows[index].where), _position(rows[k].where) if k < len(rows) else None
    if k in used or here is None or there is None or here[0] != there[0]:
        return None
    return k if 0 < there[1] - here[1] <= gap else None


def _column(x: float, starts: list[float]) -> int:
    return max(i for i, start in enumerate(starts) if x >= start - 1.0)


def _within(row: Row, starts: list[float]) -> bool:
    """Tell whether every cell of a line starts where one of the columns does, or inside one."""
    return bool(row.cells) and all(c.x >= starts[0] - 1.0 for c in row.cells)


def _grow(labels: list[str], row: Row, starts: list[float]) -> list[str] | None:
    """Add a line's words to the labels they carry on ("Victim" over "address").

    Only words that read as the rest of a label: lower case, or ending as a label does
    ("referral?"), never a typed value (a capital, a digit, an address).
    """
    grown = list(labels)
    for cell in row.cells:
        i = _column(cell.x, starts)
        joined = f"{grown[i]} {cell.text}"
        rest = cell.text[:1].islower() or cell.text.endswith(("?", ":"))
        if not rest or re.search(r"[\d@]", cell.text) or not _is_label(joined):
            return None
        grown[i] = joined
    return grown


def _label_cell(text: str) -> bool:
    """Tell a label from a value that only mentions one ("Yes - verbal consent given")."""
    return answer_word(text) is None and _is_label(text)


def _is_label(text: str) -> bool:
    return any(match_label(text, role) for role in (None, "victim", "perpetrator", "referrer"))


def _split(text: str) -> tuple[str, str]:
    """Split 'Label: value' or 'Label? value' at whichever mark comes first."""
    m = re.match(r"^([^:?]{2,70}?)\s*(:|\?\s*:?)\s*(.*)$", text)  # "Consented?: Yes" too
    if m is None:
        return (text, "")
    return (m[1] + "?", m[3]) if m[2].startswith("?") else (m[1], m[3])


def _title_pathway(rows: list[Row]) -> str | None:
    """Return the pathway a form's title names (stalking form or MARAC form), if it does."""
    for row in rows:
        text = row.text.lower()
        if len(text) > 90 or not re.search(r"referral|form|checklist|screening", text):
            continue
        stalking, marac = re.search(r"stalking|harassment", text), re.search(r"\bmarac\b", text)
        if stalking or marac:
            # A title naming both ("MARAC form: domestic abuse, stalking") decides nothing.
            return None if stalking and marac else "stalking_idva" if stalking else "marac"
    return None
