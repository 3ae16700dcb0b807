"""Assemble the contract's referral record from what each document says."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mailbox.checklist import Answer
from mailbox.form_reading import FormReading
from mailbox.questions import DASH, SDASH
from mailbox.values import POSTCODE, read_value
from workflow.assessment.checklists import DASH_QUESTIONS, S_DASH_QUESTIONS
from workflow.record.translate import PERSON_FIELDS

RECORD_FIELDS = PERSON_FIELDS  # each person's fields, in order, declared once
QUESTION_COUNT = {DASH: DASH_QUESTIONS, SDASH: S_DASH_QUESTIONS}


@dataclass(frozen=True)
class Source:
    """Where an extracted value was read: the document and its cell, line or field."""

    document: str
    where: str


@dataclass
class Extraction:
    """The referral record, the paths a person should check, and each value's source."""

    referral: dict[str, Any]
    needs_review: list[str]
    sources: dict[str, Source]


class _Builder:
    def __init__(self, forms: list[FormReading]) -> None:
        self.forms = forms
        self.review: list[str] = []
        self.sources: dict[str, Source] = {}

    def value(self, path: str) -> Any:
        if path.endswith(".name") and not self._given(path):
            return self._joined_name(path)
        if path == "victim.postcode" and not self._given(path):
            return self._postcode_in_address()
        for form in self.forms:
            found = form.fields.get(path)
            if found is None or not found.text:
                continue
            value, doubt = read_value(path, found.text)
            self.sources[path] = Source(form.document, found.where)
            if doubt or found.doubt or value is None:
                self.review.append(path)
            return value
        self.review.append(path)  # not given anywhere: a person fills it in
        return None

    def _given(self, path: str) -> bool:
        return any(f.fields.get(path) and f.fields[path].text for f in self.forms)

    def _postcode_in_address(self) -> str | None:
        """Take the postcode from the end of the address when it has no box of its own."""
        self.review.append("victim.postcode")  # read from elsewhere: a person confirms it
        address = next(
            (f.fields["victim.address"] for f in self.forms if "victim.address" in f.fields), None
        )
        found = address and re.search(POSTCODE, address.text.upper())
        return found[0] if found else None

    def _joined_name(self, path: str) -> Any:
        """Join a name given as first name and surname in separate boxes."""
        role = path.split(".")[0]
        parts = [self.value(f"{role}.{part}") for part in ("first_name", "surname")]
        self.review = [p for p in self.review if p not in (f"{role}.first_name", f"{role}.surname")]
        if all(parts):
            return " ".join(parts)
        self.review.append(path)
        return None

    def answers(self, instrument: str) -> dict[str, str | None] | None:
        lists = [c for f in self.forms for c in f.checklists if c.instrument == instrument]
        if not lists and not any(instrument in f.announced for f in self.forms):
            return None  # the message carries no such checklist
        merged: dict[str, Answer] = {}
        for checklist in lists:
            for qid, given in checklist.answers.items():
                merged[qid] = _merge(merged.get(qid), given)
        out: dict[str, str | None] = {}
        for n in range(1, QUESTION_COUNT[instrument] + 1):
            path, answer = f"{instrument}.answers.{n}", merged.get(str(n))
            out[str(n)] = answer.value if answer else None
            if answer is None or answer.doubt or answer.value is None:
                self.review.append(path)  # unanswered or unsure: a person checks the form
            if answer is not None:
                where = f"{answer.where} ({answer.why})" if answer.why else answer.where
                self.sources[path] = Source(_document(answer.where, self.forms), where)
        return out

    def printed_total(self) -> tuple[int | None, Source | None]:
        """Return the total score the form itself prints, if it prints one."""
        for form in self.forms:
            found = form.fields.get("_total")
            if found and (number := re.fullmatch(r"\s*(\d{1,2})\s*(/\s*24)?\s*", found.text)):
                return int(number[1]), Source(form.document, found.where)
        return None, None


def _merge(first: Answer | None, second: Answer) -> Answer:
    """Keep the first real answer; two different real answers need a person."""
    if first is None or (first.value is None and second.value is not None):
        return second
    if first.value is not None and second.value is not None and second.value != first.value:
        return Answer(first.value, True, first.where, "two copies of the checklist disagree")
    return first


def _document(where: str, forms: list[FormReading]) -> str:
    return next((f.document for f in forms if where.startswith(f.document)), "")


def build_referral(forms: list[FormReading], subject: str) -> Extraction:
    """Build the referral record from the form documents, most trusted first."""
    b = _Builder(forms)
    record: dict[str, Any] = {"pathway": None}
    for role, names in RECORD_FIELDS.items():
        record[role] = {name: b.value(f"{role}.{name}") for name in names}
    for name in ("children_in_household", "consent"):
        record[name] = b.value(name)
    record["dash"] = _dash(b)
    sdash = b.answers(SDASH)
    record["stalking_screen"] = None if sdash is None else {"answers": sdash}
    for name in ("professional_judgement", "reason_for_referral"):
        record[name] = b.value(name)
    record["pathway"] = _pathway(forms, subject, record, b.review)
    review = list(dict.fromkeys(b.review))
    return Extraction(record, review, b.sources)


def _dash(b: _Builder) -> dict[str, Any] | None:
    answers = b.answers(DASH)
    if answers is None:
        return None
    # Always recomputed from the answers, never read from the form; none read means none known.
    score = sum(1 for a in answers.values() if a == "yes") if any(answers.values()) else None
    # Any doubtful or missing answer could carry the score over the IDVA or MARAC threshold.
    if any(p.startswith(f"{DASH}.answers.") for p in b.review):
        b.review.append("dash.score")
    printed, where = b.printed_total()
    if printed is not None and where is not None and printed != score:
        b.review.append("dash.score")  # the form adds up to something else: check the original
        b.sources["dash.score"] = Source(where.document, f"{where.where} (printed total {printed})")
    return {"answers": answers, "score": score, "completed_date": b.value("dash.completed_date")}


def _pathway(
    forms: list[FormReading], subject: str, record: dict[str, Any], review: list[str]
) -> str:
    titles = {f.pathway for f in forms if f.pathway}
    if len(titles) == 1:
        return titles.pop()
    subj = subject.lower()
    if not titles and re.search(r"stalking|harassment", subj) and "marac" not in subj:
        return "stalking_idva"
    if not titles and re.search(r"\bmarac\b", subj):
        return "marac"
    review.append("pathway")
    stalking_only = record["stalking_screen"] is not None and record["dash"] is None
    return "stalking_idva" if stalking_only else "marac"
