"""Every answer of a referral, grouped as the form asked it, in the words the referrer read.

Built from the catalogue (workflow.record.catalogue) and the checklists' wording
(workflow.assessment.checklists); the referral page, the IDVA's view and the print view render these
sections as they are, so no template holds a label, a question or an option of its own.
"""

from dataclasses import dataclass, field
from typing import Any

from workflow.assessment.checklists import ANSWER_LABELS, DASH, STALKING_SCREEN, Question
from workflow.models import Assessment, Referral
from workflow.models.referral import Instrument
from workflow.record.catalogue import (
    BY_PATH,
    CHILD,
    CHILDREN,
    GROUPS,
    ITEMS,
    NOT_GIVEN,
    PERPETRATOR,
    PERPETRATORS,
    Item,
    Kind,
    form_of,
    uk_date,
    undeclared,
)

NOT_ANSWERED = "Not answered"
INSTRUMENT_TITLES = {
    Instrument.SAFELIVES_DASH_24: "DASH risk checklist (SafeLives, 24 questions)",
    Instrument.ACPO_DASH_27: "DASH risk checklist (police ACPO form, mapped onto the 24)",
    Instrument.S_DASH_11: "Stalking screening questions (S-DASH, 11 questions)",
}


@dataclass(frozen=True)
class Row:
    """One answer: its label, the value in words, and its path for review marks and corrections."""

    label: str
    text: str
    lines: bool = False
    path: str = ""
    record_path: str = ""


@dataclass
class Card:
    """One person (a perpetrator, a child) with their own answers."""

    title: str
    rows: list[Row]


@dataclass
class Section:
    """One group of the form: its answers, and a card per person where it has people."""

    title: str
    rows: list[Row] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)


@dataclass(frozen=True)
class QuestionShown:
    """A checklist answer with its sub-options, source if not the victim, and comment."""

    number: int
    question: str
    answer: str
    sub_legend: str
    sub: tuple[str, ...]
    source: str
    comment: str
    path: str


@dataclass
class ChecklistShown:
    """One version of one checklist as answered."""

    assessment_id: int
    kind: str
    title: str
    version: int
    score: int | None
    completed: str
    questions: list[QuestionShown]
    newest: bool = True  # corrections change the newest version of each checklist only


def row(item: Item, holder: Any, prefix: str = "") -> Row:
    """Return an item's row for a referral (or a person's entry)."""
    path = f"{prefix}{item.path}"
    return Row(
        item.label, item.shown(item.value(holder)), item.kind is Kind.LINES, path, item.record_path
    )


def _wanted(item: Item, holder: Any, form: str) -> bool:
    value = item.value(holder)
    if item.kind is Kind.BOOL and value is False:
        return form in item.asked_by  # a column's default, not an answer, on another form
    return form in item.asked_by or value not in (None, "", [])


def _perpetrator_cards(referral: Referral, form: str) -> list[Card]:
    word = "Suspect" if form == "stalking" else "Perpetrator"
    cards = []
    for n, person in enumerate(referral.perpetrators or [], start=1):
        items = [i for i in PERPETRATOR if _wanted(i, person, form)]
        rows = [row(i, person, f"perpetrators.{n - 1}.") for i in items]
        known = set(i.path for i in PERPETRATOR)
        rows += [
            Row(k, str(v), True, f"perpetrators.{n - 1}.{k}")
            for k, v in person.items()
            if k not in known
        ]
        cards.append(Card(f"{word} {n}", rows))
    return cards


def _child_cards(referral: Referral) -> list[Card]:
    lines = [
        (f"children.{i}.{item.path}", line.strip())
        for i, entry in enumerate(referral.children or [])
        for item in CHILD
        for line in str(item.value(entry) or "").splitlines()
        if line.strip()
    ]
    label = CHILD[0].label
    return [
        Card(f"Child {n}", [Row(label, line, path=path)]) for n, (path, line) in enumerate(lines, 1)
    ]


def _as_written(referral: Referral) -> list[Row]:
    """Values cut to fit a column (workflow.record.fitting) keep their whole text: show it too."""
    written = (referral.details or {}).get("as_written") or {}
    return [
        Row(BY_PATH[name].label if name in BY_PATH else name, str(text), True)
        for name, text in written.items()
    ]


def sections(referral: Referral) -> list[Section]:
    """Return every answer of the referral, grouped in the order the form asks them."""
    form = form_of(referral.pathway.value, referral.source.value)
    found = []
    for group in GROUPS:
        section = Section(
            group,
            [row(i, referral) for i in ITEMS if i.group == group and _wanted(i, referral, form)],
        )
        if group == PERPETRATORS:
            section.cards = _perpetrator_cards(referral, form)
        if group == CHILDREN:
            section.cards = _child_cards(referral)
        if section.rows or section.cards:
            found.append(section)
    written = _as_written(referral)
    if written:
        found.append(Section("Too long for their field: the whole text as written", written))
    others = [Row(path, str(value), True, path) for path, value in undeclared(referral)]
    if others:
        found.append(Section("Other answers", others))
    return found


def _question(question: Question, given: dict[str, Any], kind: str) -> QuestionShown:
    options = dict(question.sub_options)
    return QuestionShown(
        question.number,
        question.text,
        ANSWER_LABELS.get(given.get("answer") or "", NOT_ANSWERED),
        question.sub_legend,
        tuple(options.get(code, code) for code in given.get("sub") or []),
        given.get("source") or "",
        given.get("comment") or "",
        f"{kind}.answers.{question.number}",
    )


def checklist(assessment: Assessment) -> ChecklistShown:
    """Return one checklist with every question in the wording the referrer answered."""
    screen = assessment.instrument is Instrument.S_DASH_11
    kind = "stalking_screen" if screen else "dash"
    questions = STALKING_SCREEN if screen else DASH
    answers = assessment.answers or {}
    return ChecklistShown(
        assessment.id or 0,
        kind,
        INSTRUMENT_TITLES[assessment.instrument],
        assessment.version,
        None if screen else assessment.score,
        uk_date(assessment.completed_date) if assessment.completed_date else NOT_GIVEN,
        [_question(q, answers.get(str(q.number)) or {}, kind) for q in questions],
    )


def _newest(assessments: list[Assessment]) -> list[Assessment]:
    newest: dict[str, Assessment] = {}
    for a in sorted(assessments, key=lambda a: (a.version, a.id or 0)):
        newest[checklist(a).kind] = a
    return [newest[kind] for kind in ("dash", "stalking_screen") if kind in newest]


def _checklist_columns(shown: ChecklistShown) -> dict[str, str]:
    name = "DASH" if shown.kind == "dash" else "S-DASH"
    found = {
        f"{name}: checklist": f"{shown.title}, version {shown.version}",
        f"{name}: completed on": shown.completed,
    }
    for q in shown.questions:
        found[f"{name} {q.number}. {q.question}"] = q.answer
        found[f"{name} {q.number}: {q.sub_legend or 'options'}"] = ", ".join(q.sub)
        found[f"{name} {q.number}: source if not the victim"] = q.source
        found[f"{name} {q.number}: comment"] = q.comment
    return found


def flat(referral: Referral, assessments: list[Assessment]) -> dict[str, str]:
    """Return every answer as 'Group: label' -> words, newest checklists last (the exports)."""
    found: dict[str, str] = {}
    for section in sections(referral):
        for r in section.rows:
            found[f"{section.title}: {r.label}"] = r.text
        for card in section.cards:
            for r in card.rows:
                found[f"{card.title}: {r.label}"] = r.text
    for assessment in _newest(assessments):
        found.update(_checklist_columns(checklist(assessment)))
    return found


def checklists(assessments: list[Assessment]) -> list[ChecklistShown]:
    """Return every checklist version in the order given, the newest of each kind marked."""
    newest = {a.id for a in _newest(assessments)}
    found = []
    for assessment in assessments:
        shown = checklist(assessment)
        shown.newest = assessment.id in newest
        found.append(shown)
    return found
