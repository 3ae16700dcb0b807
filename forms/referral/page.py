"""One page of a public referral form: how its fields are laid out and summarised."""

from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field

from forms.referral.check_answers import answered, question, shown
from forms.referral.fields import NumberField


class PageForm(FlaskForm):
    """One page of a referral. `widths` sets input widths by field name."""

    intro: str = ""
    widths: tuple[tuple[str, str], ...] = ()
    inline: tuple[str, ...] = ()
    # A sub-heading shown before a field: (field name, heading), e.g. a second person's block.
    headings: tuple[tuple[str, str], ...] = ()
    # Input purposes (WCAG 1.3.5) and input types by field name: (name, autocomplete, type).
    purposes: tuple[tuple[str, str, str], ...] = ()
    # Questions an option reveals: (radio field, option value, revealed field names).
    reveals: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    def revealed(self) -> set[str]:
        """Return the names of fields shown inside another question's reveal, not on their own."""
        return {name for _, _, names in self.reveals for name in names}

    def more_for(self, group: list[Field]) -> dict[str, Any] | None:
        """Return the optional extras a group hides behind an "Add …" box, or None (see below)."""
        return None

    def heading_before(self, form_field: Field) -> str:
        """Return the sub-heading to show before this field, or ''."""
        return dict(self.headings).get(form_field.name, "")

    def params_for(self, form_field: Field) -> dict[str, Any]:
        """Return GOV.UK macro params for a field (widths, inline radios, number boxes)."""
        params: dict[str, Any] = {}
        if form_field.name in self.inline:
            params["classes"] = "govuk-radios--inline"
        widths = dict(self.widths)
        if form_field.name in widths:
            params["classes"] = widths[form_field.name]
        if isinstance(form_field, NumberField):
            params.update(inputmode="numeric", spellcheck=False)
        if form_field.name.endswith("_comment"):
            params["rows"] = 2
        for name, autocomplete, input_type in self.purposes:
            if name == form_field.name:
                params.update(autocomplete=autocomplete, type=input_type)
                if input_type in ("email", "tel"):
                    params["spellcheck"] = False
        reveal = {
            value: Markup("").join(self[n](params=self.params_for(self[n])) for n in names)
            for radio, value, names in self.reveals
            if radio == form_field.name
        }
        if reveal:
            params["reveal"] = reveal
        return params

    def groups(self) -> list[list[Field]]:
        """Return the fields in visual groups; by default one group per field."""
        return [[f] for f in self if f.name != "csrf_token"]

    def rows(self) -> list[tuple[str, str]]:
        """Return (question, answer) pairs for check-your-answers."""
        return [(f.label.text, shown(f)) for f in self if f.name != "csrf_token"]

    def summary(self) -> list[tuple[str, list[str]]]:
        """Return the answered questions as (question, lines of the answer), for one summary card.

        An optional question left unanswered is left out: a long column of "Not given" rows
        hid the answers a referrer needs to check.
        """
        return [(question(f), [shown(f)]) for f in self if f.name != "csrf_token" and answered(f)]
