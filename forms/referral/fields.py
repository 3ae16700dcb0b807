"""The field builders both public referral forms use: one call a question, GOV.UK widgets and
GOV.UK error wording ("Enter the victim's full name")."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, StopValidation, ValidationError

SHORT, MEDIUM, LONG = 200, 500, 4000


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _typed_checks(
    label: str, required: str | None, max_length: int, check_empty: bool
) -> list[Any]:
    """Typed text's checks: given (unless `check_empty` leaves it to its own), not too long."""
    checks: list[Any] = [_Required(required)] if required else [] if check_empty else [Optional()]
    checks.append(
        Length(max=max_length, message=f"{label} must be {max_length} characters or fewer")
    )
    return checks


def text(
    label: str,
    required: str | None = None,
    max_length: int = SHORT,
    check_empty: bool = False,
    **kw: Any,
) -> Any:
    """A one-line text input; `required` is the message shown when it is left empty.

    `check_empty` runs the validators on an empty value too (for an "I do not know" pair).
    """
    checks = _typed_checks(label, required, max_length, check_empty)
    return StringField(
        label,
        validators=checks + kw.pop("validators", []),
        widget=GovTextInput(),
        filters=[_clean],
        **kw,
    )


def area(
    label: str,
    required: str | None = None,
    max_length: int = LONG,
    check_empty: bool = False,
    **kw: Any,
) -> Any:
    """A multi-line text box; `check_empty` as for text()."""
    checks = _typed_checks(label, required, max_length, check_empty)
    return TextAreaField(label, validators=checks, widget=GovTextArea(), **kw)


class RevealingRadioInput(GovRadioInput):
    """GOV.UK radios whose options may reveal further questions (a conditional reveal).

    The questions are passed as `params={"reveal": {value: html}}`. Without JavaScript GOV.UK
    Frontend shows every revealed question, so the page still works.
    """

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        reveal = (kwargs.get("params") or {}).pop("reveal", {})
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)
        for item in params["items"]:
            if item["value"] in reveal:
                item["conditional"] = {"html": reveal[item["value"]]}
        return params


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Return WTForms choices (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


def radios(
    label: str, pairs: Iterable[tuple[str, str]], required: str | None = None, **kw: Any
) -> Any:
    """Radio buttons; without `required` an empty answer is allowed but a made-up one is not."""
    options = choices(pairs)
    if required:
        return RadioField(
            label,
            choices=options,
            widget=RevealingRadioInput(),
            invalid_choice_message=required,
            **kw,
        )
    allowed = {c.value for c in options}
    return RadioField(
        label,
        choices=options,
        widget=RevealingRadioInput(),
        validate_choice=False,
        validators=[_OneOf(allowed, f"Select an option for: {label}")],
        **kw,
    )


def ticks(label: str, pairs: Iterable[tuple[str, str]], **kw: Any) -> Any:
    """Check boxes for 'select all that apply'."""
    return SelectMultipleField(
        label,
        choices=choices(pairs),
        widget=GovCheckboxesInput(),
        invalid_choice_message="Select only the options shown",
        **kw,
    )


def dont_know(label: str) -> Any:
    """A single 'I do not know …' box that excuses the field beside it."""
    return BooleanField(label, widget=GovCheckboxInput())


def select(label: str, pairs: Iterable[tuple[str, str]], required: str) -> Any:
    """A drop-down list with an empty first choice."""
    return SelectField(
        label,
        choices=choices([("", "Choose an option"), *pairs]),
        widget=GovSelect(),
        validators=[_Required(required)],
        invalid_choice_message=required,
    )


class NumberField(StringField):
    """A whole number typed into a text box: blank is None, anything else must be digits."""

    def process_formdata(self, valuelist: list[str]) -> None:
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if raw and not raw.isdigit():
            raise ValueError(
                f"{self.label.text.removesuffix(' (optional)')} must be a number, like 3"
            )
        self.data = int(raw) if raw else None  # type: ignore[assignment]

    def _value(self) -> str:
        return self.raw_data[0] if self.raw_data else ("" if self.data is None else str(self.data))


def number(label: str, required: str | None, most: int, **kw: Any) -> Any:
    """A whole number between 0 and `most` in a narrow box."""

    def in_range(form: Any, field: Field) -> None:
        if field.data is not None and field.data > most:
            raise ValidationError(f"{label.removesuffix(' (optional)')} must be {most} or fewer")

    checks: list[Any] = [_Required(required)] if required else []
    return NumberField(label, validators=[*checks, in_range], widget=GovTextInput(), **kw)


class _Required:
    """Like InputRequired, with our message, treating blank text as missing."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.field_flags = {"required": True}

    def __call__(self, form: Any, field: Field) -> None:
        if field.process_errors:
            raise StopValidation()  # the field could not be read: that error says it already
        if field.data is None or (isinstance(field.data, str) and not field.data.strip()):
            raise StopValidation(self.message)


class _OneOf:
    def __init__(self, allowed: set[str], message: str) -> None:
        self.allowed, self.message = allowed, message

    def __call__(self, form: Any, field: Field) -> None:
        if field.data not in (None, "", *self.allowed):
            raise ValidationError(self.message)


class DateField(Field):
    """Day, month and year boxes (GOV.UK date input) with GOV.UK error messages."""

    widget = GovDateInput()

    def __init__(self, label: str, required: str | None = None, **kw: Any) -> None:
        super().__init__(label, **kw)
        self.required = required
        self.flags.required = bool(required)

    def process_formdata(self, valuelist: list[str]) -> None:
        if len(valuelist) != 3:
            self.raw_data, self.data = None, None
            return
        parts = [v.strip() for v in valuelist]
        self.data = None
        if not any(parts):
            return
        label = self.label.text.removesuffix(" (optional)")
        if not all(parts):
            missing = [n for n, v in zip(("day", "month", "year"), parts, strict=True) if not v]
            raise ValueError(f"{label} must include a {' and '.join(missing)}")
        if not all(p.isdigit() for p in parts):
            raise ValueError(f"{label} must be a real date, in numbers")
        if len(parts[2]) != 4:
            raise ValueError("Year must include 4 numbers")
        try:
            self.data = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise ValueError(f"{label} must be a real date") from None

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""

    def pre_validate(self, form: Any) -> None:
        if self.required and self.data is None and not self.process_errors:
            raise StopValidation(self.required)
