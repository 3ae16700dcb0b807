"""What check your answers shows for a field: its question and its answer, in words."""

import re
from datetime import date

from wtforms import BooleanField, Field, RadioField, SelectField, SelectMultipleField

from workflow.record.catalogue import NOT_GIVEN


def shown(form_field: Field) -> str:
    """Return what a field holds, in words, for a check-your-answers page."""
    value = form_field.data
    if isinstance(form_field, SelectMultipleField):
        labels = dict((c.value, c.label) for c in form_field.choices)  # type: ignore[union-attr]
        return ", ".join(labels.get(v, v) for v in value or []) or NOT_GIVEN
    if isinstance(form_field, (RadioField, SelectField)):
        labels = dict((c.value, c.label) for c in form_field.choices)  # type: ignore[union-attr]
        return labels.get(value, NOT_GIVEN) if value else NOT_GIVEN
    if isinstance(form_field, BooleanField):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return value.strftime("%-d %B %Y")
    return str(value) if value not in (None, "") else NOT_GIVEN


def question(form_field: Field) -> str:
    """Return a field's label as a question on check-your-answers: an answered field is shown
    only when answered, so "(optional)" and "(needed if yes)" say nothing there."""
    return re.sub(r" \((optional|needed if [^)]*)\)", "", form_field.label.text)


def answered(form_field: Field) -> bool:
    """Whether a field holds an answer (an unticked "I do not know" box is no answer)."""
    if isinstance(form_field, BooleanField):
        return bool(form_field.data)
    return shown(form_field) != NOT_GIVEN
