"""Checklist pages (DASH, the stalking screen): a question a row, its sub-options, source and
comment, built from the wording in workflow/assessment/checklists.py."""

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from wtforms import Field
from wtforms.validators import StopValidation

from forms.referral.check_answers import answered, question, shown
from forms.referral.fields import area, radios, text, ticks
from forms.referral.page import PageForm
from workflow.assessment.checklists import ANSWER_LABELS, Question


def checklist_form(
    name: str, questions: Sequence[Question], with_source: bool, optional: bool = False
) -> type[PageForm]:
    """Build the form for a run of checklist questions: an answer, sub-options, source, comment.

    With `optional` a question may be left unanswered (an extra checklist offered, not demanded).
    """
    attrs: dict[str, Any] = {
        "inline": tuple(f"q{q.number}" for q in questions if not q.sub_options),
        "reveals": tuple(
            (f"q{q.number}", "yes", (f"q{q.number}_sub",)) for q in questions if q.sub_options
        ),
        "more_label": "Add the source if not the victim, or a comment"
        if with_source
        else "Add a comment",
    }
    for q in questions:
        n = q.number
        attrs[f"q{n}"] = radios(
            f"{n}. {q.text}",
            list(ANSWER_LABELS.items()),
            None if optional else f"Select Yes, No or Don't know for question {n}",
            description=q.hint,
        )
        if q.sub_options:
            attrs[f"q{n}_sub"] = ticks(
                f"Question {n}: {q.sub_legend} (select all that apply)",
                q.sub_options,
                validators=[_only_with_yes(n, q.sub_legend)],
            )
        if with_source:
            attrs[f"q{n}_source"] = text(
                f"Question {n}: source of information if not the victim (optional)"
            )
        attrs[f"q{n}_comment"] = area(f"Question {n}: comment (optional)", max_length=2000)
    attrs["groups"] = _question_groups
    attrs["more_for"] = _more_for
    attrs["summary"] = _question_summary
    attrs["numbers"] = tuple(q.number for q in questions)
    attrs["sub_legends"] = {q.number: q.sub_legend for q in questions}
    return type(name, (PageForm,), attrs)


def _question_summary(form: Any) -> list[tuple[str, list[str]]]:
    """One row per question answered: the answer, then its sub-options, source and comment."""
    rows = []
    for n in form.numbers:
        asked = form[f"q{n}"]
        if not asked.data:
            continue
        lines = [shown(asked)]
        extras = (
            ("sub", form.sub_legends[n]),
            ("source", "Source if not the victim"),
            ("comment", "Comment"),
        )
        for part, label in extras:
            extra = form._fields.get(f"q{n}_{part}")
            if extra is not None and answered(extra):
                lines.append(f"{label}: {shown(extra)}")
        rows.append((question(asked), lines))
    return rows


def _only_with_yes(n: int, legend: str) -> Callable[[Any, Field], None]:
    """Sub-options belong to a Yes: with No or Don't know they would contradict the answer."""

    def check(form: Any, field: Field) -> None:
        answer = form[f"q{n}"].data
        if field.data and answer != "yes":
            said = shown(form[f"q{n}"]) if answer else "not answered"
            raise StopValidation(
                f"Question {n} is {said}: answer Yes, or untick '{legend.lower()}'"
            )

    return check


def _more_for(form: Any, group: list[Field]) -> dict[str, Any] | None:
    """A question's source and comment, revealed by an "Add …" box (GOV.UK conditional reveal).

    The box is not a form field: it is shown ticked whenever the source or comment holds text
    (or an error), so a saved comment is never hidden, and when it was ticked on the last post.
    """
    extras = [f for f in group if f.name.endswith(("_source", "_comment"))]
    if not extras:
        return None
    name = f"{group[0].name}_more"
    return {
        "name": name,
        "label": form.more_label,
        "fields": extras,
        "checked": any(answered(f) or f.errors for f in extras),
    }


def _question_groups(form: PageForm) -> list[list[Field]]:
    groups: list[list[Field]] = []
    for f in form:
        if f.name == "csrf_token":
            continue
        if re.fullmatch(r"q\d+", f.name):
            groups.append([])
        groups[-1].append(f)
    return groups


def checklist_answers(forms: Iterable[PageForm]) -> dict[str, dict[str, Any]]:
    """Return checklist answers keyed by question number, as Assessment.answers stores them."""
    answers: dict[str, dict[str, Any]] = {}
    for form in forms:
        data = form.data
        for n in getattr(form, "numbers", ()):
            answers[str(n)] = {
                "answer": data[f"q{n}"],
                "source": data.get(f"q{n}_source") or "",
                "comment": data.get(f"q{n}_comment") or "",
                "sub": list(data.get(f"q{n}_sub") or []),
            }
    return answers
