"""What both public referral forms share: fields, validators, the pages everyone fills in, and
the stepper that walks a draft through its pages.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
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
from wtforms.validators import Email, Length, Optional, StopValidation, ValidationError

from workflow.assessment.checklists import ANSWER_LABELS, Question
from workflow.policy import Policy
from workflow.record.options import (
    AGENCY_TYPES,
    CHANNEL_NAMES,
    CHANNELS,
    ETHNIC_GROUPS,
    GENDERS,
    SELF_DESCRIBE,
    YES_NO_DK,
)
from workflow.rules.eligibility import referrer_rule
from workflow.rules.outcome import Result
from workflow.web_referrals.screening import Stop, check_age, check_area, london_today

SHORT, MEDIUM, LONG = 200, 500, 4000
OLDEST_PLAUSIBLE_AGE = 120
NOT_GIVEN = "Not given"
# A draft's key for answers carried over from another form: shown on the page, not yet saved.
PREFILL = "carried:"
GENDER_HINT = "As the victim describes it. Select Not known if you do not know."


# --- Fields ------------------------------------------------------------------------------------


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


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
    checks: list[Any] = [_Required(required)] if required else [] if check_empty else [Optional()]
    checks.append(
        Length(max=max_length, message=f"{label} must be {max_length} characters or fewer")
    )
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
    checks: list[Any] = [_Required(required)] if required else [] if check_empty else [Optional()]
    checks.append(
        Length(max=max_length, message=f"{label} must be {max_length} characters or fewer")
    )
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


class _Number(StringField):
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
    return _Number(label, validators=[*checks, in_range], widget=GovTextInput(), **kw)


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


def not_in_future(label: str) -> Callable[[Any, Field], None]:
    """A date that has already happened (today counts)."""

    def check(form: Any, field: Field) -> None:
        if field.data and field.data > date.today():
            raise ValidationError(f"{label} must be today or in the past")

    return check


def plausible_birth_date(form: Any, field: Field) -> None:
    """A date of birth in the past, and not more than 120 years ago."""
    if field.data is None:
        return
    today = date.today()
    if field.data >= today:
        raise ValidationError("Date of birth must be in the past")
    if field.data.year < today.year - OLDEST_PLAUSIBLE_AGE:
        raise ValidationError(f"Date of birth must be after {today.year - OLDEST_PLAUSIBLE_AGE}")


# UK numbers (01…, 02…, 03…, 07…, +44…) and international ones: digits with spaces, dashes or ( ).
_PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def phone_number(form: Any, field: Field) -> None:
    """A telephone number made of digits, spaces and the usual punctuation."""
    digits = re.sub(r"\D", "", field.data or "")
    if field.data and (not _PHONE.match(field.data) or not 10 <= len(digits) <= 15):
        raise ValidationError("Enter a telephone number, like 01632 960 001 or 07700 900 982")


def postcode(form: Any, field: Field) -> None:
    """A full UK postcode."""
    if field.data and not _POSTCODE.match(" ".join(field.data.upper().split())):
        raise ValidationError("Enter a real postcode, like CB1 2AB")


def unless_ticked(other: str, message: str) -> Callable[[Any, Field], None]:
    """Make a field required unless the 'I do not know' box named `other` is ticked."""

    def check(form: Any, field: Field) -> None:
        ticked = form[other].data
        if ticked and field.data:
            raise StopValidation(f"Either enter it or tick '{form[other].label.text}', not both")
        if not ticked and not field.data:
            raise StopValidation(message)

    return check


WORK_EMAIL = Email("Enter an email address in the correct format, like name@example.org")


# --- Display -----------------------------------------------------------------------------------


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


# --- Pages -------------------------------------------------------------------------------------


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
        if isinstance(form_field, _Number):
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


class ReferrerForm(PageForm):
    intro = "We will contact you about this referral. Give your work details, not personal ones."
    # The referrer's own details: browsers may offer what they know (WCAG 1.3.5).
    purposes = (
        ("referrer_name", "name", "text"),
        ("referrer_role", "organization-title", "text"),
        ("referrer_agency", "organization", "text"),
        ("referrer_phone", "work tel", "tel"),
        ("referrer_email", "work email", "email"),
    )
    widths = (
        ("referrer_phone", "govuk-input--width-20"),
        ("referrer_email", "govuk-!-width-two-thirds"),
    )

    referrer_name = text("Your full name", "Enter your full name")
    referrer_role = text("Your job title or role", "Enter your job title or role")
    referrer_agency_type = select(
        "Type of agency", AGENCY_TYPES, "Select the type of agency you work for"
    )
    referrer_agency = text(
        "Name of your organisation and team", "Enter the name of your organisation"
    )
    referrer_phone = text(
        "Work telephone number", "Enter your work telephone number", 40, validators=[phone_number]
    )
    referrer_email = text(
        "Work email address",
        "Enter your work email address",
        254,
        description="We send an acknowledgement with the referral number to this address.",
        validators=[WORK_EMAIL],
    )


class VictimForm(PageForm):
    widths = (("victim_gender_description", "govuk-input--width-20"),)
    reveals = (("victim_gender", SELF_DESCRIBE, ("victim_gender_description",)),)

    victim_name = text("Victim's full name", "Enter the victim's full name")
    victim_aliases = text(
        "Other names they use or have used (optional)",
        max_length=MEDIUM,
        description="Separate names with a comma.",
    )
    victim_date_of_birth = DateField(
        "Date of birth",
        description="For example, 27 3 1990. If you do not know it, tick the box below.",
        validators=[
            plausible_birth_date,
            unless_ticked(
                "victim_dob_unknown",
                "Enter the victim's date of birth, or tick that you do not know it",
            ),
        ],
    )
    victim_dob_unknown = dont_know("I do not know their date of birth")
    victim_gender = radios(
        "Gender", GENDERS, "Select the victim's gender, or Not known", description=GENDER_HINT
    )
    # check_empty: its own check below demands it when the victim prefers to self-describe.
    victim_gender_description = text(
        "Their gender in their words",
        max_length=100,
        check_empty=True,
    )

    def validate_victim_gender_description(self, field: Any) -> None:
        given = bool((field.data or "").strip())
        if self.victim_gender.data == SELF_DESCRIBE and not given:
            raise StopValidation("Enter the victim's gender in their words")
        if given and self.victim_gender.data != SELF_DESCRIBE:
            raise StopValidation("Select Prefer to self-describe, or leave this empty")


class ContactForm(PageForm):
    # Someone else's details: the right keyboard, but no autofill of the referrer's own.
    purposes = (
        ("victim_phone", "off", "tel"),
        ("victim_email", "off", "email"),
    )
    widths = (
        ("victim_postcode", "govuk-input--width-10"),
        ("victim_phone", "govuk-input--width-20"),
    )

    victim_address = area("Victim's address", "Enter the victim's address", MEDIUM)
    victim_postcode = text(
        "Postcode",
        max_length=10,
        check_empty=True,
        validators=[
            postcode,
            unless_ticked(
                "victim_postcode_unknown", "Enter the postcode, or tick that you do not know it"
            ),
        ],
    )
    victim_postcode_unknown = dont_know("I do not know the postcode")
    victim_phone = text(
        "Victim's telephone number",
        max_length=40,
        check_empty=True,
        validators=[
            phone_number,
            unless_ticked(
                "victim_phone_unknown",
                "Enter the victim's telephone number, or tick that they have none or "
                "you do not know it",
            ),
        ],
    )
    victim_phone_unknown = dont_know("They have no telephone or I do not know the number")
    victim_email = text(
        "Victim's email address (optional)", max_length=254, validators=[Optional(), WORK_EMAIL]
    )


class SafeContactForm(PageForm):
    intro = (
        "We will only contact the victim in the ways you say are safe. If you are not sure, say so."
    )
    inline = tuple(f"safe_{c}" for c, _ in CHANNELS)

    safe_call = radios(CHANNELS[0][1], YES_NO_DK, "Select whether it is safe to call the victim")
    safe_voicemail = radios(
        CHANNELS[1][1], YES_NO_DK, "Select whether it is safe to leave a voicemail"
    )
    safe_text = radios(
        CHANNELS[2][1], YES_NO_DK, "Select whether it is safe to send a text message"
    )
    safe_email = radios(CHANNELS[3][1], YES_NO_DK, "Select whether it is safe to send an email")
    safe_letter = radios(CHANNELS[4][1], YES_NO_DK, "Select whether it is safe to send a letter")
    safe_times = text(
        "Safe times to contact them (optional)",
        max_length=MEDIUM,
        description="For example, weekdays 9am to 3pm while the children are at school.",
    )
    alternative_contact = area(
        "An alternative safe contact (optional)",
        max_length=MEDIUM,
        description=(
            "A friend, relative or professional we can contact instead: name, "
            "relationship and number."
        ),
    )

    def summary(self) -> list[tuple[str, list[str]]]:
        """The five channels as three rows, safe, not safe and not known: quicker to check."""
        channels = {f"safe_{code}" for code, _ in CHANNELS}
        by_answer: dict[str, list[str]] = {}
        for code, _ in CHANNELS:
            by_answer.setdefault(self[f"safe_{code}"].data or "", []).append(CHANNEL_NAMES[code])
        rows = [
            (heading, [", ".join(by_answer[answer])])
            for answer, heading in SAFE_HEADINGS
            if by_answer.get(answer)
        ]
        return rows + [row for row in super().summary() if row[0] not in self._labels(channels)]

    def _labels(self, names: set[str]) -> set[str]:
        return {question(self[name]) for name in names}


SAFE_HEADINGS = (
    ("yes", "Safe ways to contact them"),
    ("no", "Not safe"),
    ("dont_know", "Not known (treated as not safe)"),
)


class AboutVictimForm(PageForm):
    intro = (
        "The diversity questions are optional. They help the partnership check "
        "its service reaches everyone."
    )
    inline = ("interpreter", "disability", "lgbt")
    widths = (("language", "govuk-input--width-20"),)

    language = text("First or preferred language (optional)", max_length=60)
    interpreter = radios(
        "Do they need an interpreter?", YES_NO_DK, "Select whether they need an interpreter"
    )
    ethnicity = radios("Ethnic group (optional)", ETHNIC_GROUPS)
    disability = radios("Do they consider themselves disabled? (optional)", YES_NO_DK)
    lgbt = radios("Do they identify as LGBT+? (optional)", YES_NO_DK)


# --- Checklists --------------------------------------------------------------------------------


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


def shared_stop(slug: str, form: PageForm, policy: Policy) -> Stop | None:
    """Stop a referral early when the victim is too young or lives outside the area."""
    if slug == "victim":
        return check_age(form.data["victim_date_of_birth"], london_today(), policy)
    if slug == "contact":
        return check_area(form.data["victim_postcode"], policy)[0]
    return None


def notes(forms: dict[str, PageForm], policy: Policy) -> list[str]:
    """Say what the coordinator will check before acting, for the check-your-answers page."""
    found = []
    postcode_given = forms["contact"].data["victim_postcode"]
    if check_area(postcode_given, policy)[1].result is Result.CHECK:
        found.append(
            f"The postcode {postcode_given.upper()} is on the county border: the coordinator "
            "will check that the victim lives in Cambridgeshire or Peterborough."
            if postcode_given
            else "You have not given a postcode: the coordinator will check where the victim lives."
        )
    if referrer_rule(forms["referrer"].data["referrer_email"], policy).result is not Result.MET:
        found.append(
            "Your email address is not on our list of agency addresses. The coordinator will "
            "check who you are before acting on this referral, and we will not send an "
            "automatic acknowledgement to it."
        )
    return found


# --- The stepper -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One step of a referral form."""

    slug: str
    title: str
    form: type[PageForm]
    # A follow-on page asked only when earlier answers call for it (None: always asked).
    when: Callable[[dict[str, Any]], bool] | None = None

    def asked(self, stored: dict[str, Any]) -> bool:
        """Return whether this page is part of the referral, given the answers saved so far."""
        return self.when is None or self.when(stored)


@dataclass
class Flow:
    """A referral form as ordered pages, each validated on its own and again at the end."""

    kind: str
    title: str
    pages: list[Page] = field(default_factory=list)
    # Stops of this form's own, checked after the shared ones when a page is saved.
    own_stop: Callable[[str, PageForm, Policy], Stop | None] | None = None
    # Notes of this form's own for check-your-answers, after the shared ones.
    own_notes: Callable[[dict[str, PageForm], Policy], list[str]] | None = None

    def notes(self, forms: dict[str, PageForm], policy: Policy) -> list[str]:
        """Say what the coordinator will check before acting, for check-your-answers."""
        return notes(forms, policy) + (self.own_notes(forms, policy) if self.own_notes else [])

    def asked(self, stored: dict[str, Any]) -> list[Page]:
        """Return the pages this referral asks, given the answers saved so far."""
        return [p for p in self.pages if p.asked(stored)]

    def stop_after(self, slug: str, form: PageForm, policy: Policy) -> Stop | None:
        """Return why the referral cannot go on after this page, if it cannot."""
        stop = shared_stop(slug, form, policy)
        return stop or (self.own_stop(slug, form, policy) if self.own_stop else None)

    def first_stop(self, forms: dict[str, "PageForm"], policy: Policy) -> Stop | None:
        """Return the first stop any saved page triggers (a page may have changed since)."""
        for slug, form in forms.items():
            stop = self.stop_after(slug, form, policy)
            if stop:
                return stop
        return None

    def page(self, slug: str) -> Page | None:
        """Return the page with this slug, if the form has one."""
        return next((p for p in self.pages if p.slug == slug), None)

    def step(self, slug: str, stored: dict[str, Any]) -> int:
        """Return the 1-based position of a page among the pages asked."""
        return [p.slug for p in self.asked(stored)].index(slug) + 1

    def progress(self, slug: str) -> str:
        """Return "step N of M", counting only the pages every referral asks.

        A follow-on page (the stalking questions after a Yes to DASH Q8) takes the number of the
        page that called for it, so the count never jumps from "of 14" to "of 16" mid-way.
        """
        steps = [p for p in self.pages if p.when is None]
        at = self.pages.index(self.page(slug) or self.pages[0])
        number = len([p for p in self.pages[: at + 1] if p.when is None])
        follow_on = self.pages[at].when is not None
        return f"step {number} of {len(steps)}" + (", follow-on questions" if follow_on else "")

    def next_slug(self, slug: str, stored: dict[str, Any]) -> str | None:
        """Return the page asked after this one, or None after the last (or one not asked)."""
        slugs = [p.slug for p in self.asked(stored)]
        n = slugs.index(slug) + 1 if slug in slugs else len(slugs)
        return slugs[n] if n < len(slugs) else None

    def previous_slug(self, slug: str, stored: dict[str, Any]) -> str | None:
        """Return the page asked before this one, or None on the first."""
        n = self.step(slug, stored)
        return self.asked(stored)[n - 2].slug if n > 1 else None

    def load(self, page: Page, stored: dict[str, Any]) -> PageForm:
        """Rebuild a page's form from the answers saved in a draft (no CSRF: they are ours).

        A page not yet saved shows what another form carried over for it, if anything.
        """
        data = stored.get(page.slug) or stored.get(PREFILL + page.slug)
        formdata = MultiDict([(k, v) for k, vs in data.items() for v in vs]) if data else None
        return page.form(formdata=formdata, meta={"csrf": False})

    def validated(self, stored: dict[str, Any]) -> tuple[dict[str, PageForm], list[Page]]:
        """Rebuild and validate every page asked; return the forms and the pages not complete.

        A follow-on page no longer asked (its trigger answer changed) is left out, and so are
        any answers saved on it.
        """
        forms, missing = {}, []
        for page in self.asked(stored):
            form = self.load(page, stored)
            if page.slug not in stored or not form.validate():
                missing.append(page)
            forms[page.slug] = form
        return forms, missing


def posted_fields(form: PageForm) -> dict[str, list[str]]:
    """Return the page's posted fields as the draft keeps them (without the CSRF token)."""
    return {f.name: [str(v) for v in (f.raw_data or [])] for f in form if f.name != "csrf_token"}


def victim_fields(forms: dict[str, PageForm]) -> dict[str, Any]:
    """Map the shared pages (referrer, victim, contact, safety, diversity) to Referral columns."""
    r, v, c, s, a = (
        forms[k].data for k in ("referrer", "victim", "contact", "safe-contact", "about-victim")
    )
    agency_type = dict(AGENCY_TYPES).get(r["referrer_agency_type"], "")
    safe = {ch: {"yes": True, "no": False}.get(s[f"safe_{ch}"]) for ch, _ in CHANNELS}
    return {
        "referrer_name": r["referrer_name"],
        "referrer_role": r["referrer_role"],
        "referrer_agency": r["referrer_agency"],
        "referrer_phone": r["referrer_phone"],
        "referrer_email": r["referrer_email"],
        "victim_name": v["victim_name"],
        "victim_aliases": [n.strip() for n in (v["victim_aliases"] or "").split(",") if n.strip()],
        "victim_date_of_birth": v["victim_date_of_birth"],
        "victim_gender": v["victim_gender"] or "",  # a code: workflow.record.options.GENDERS
        "victim_address": c["victim_address"],
        "victim_postcode": (c["victim_postcode"] or "").upper(),
        "victim_phone": c["victim_phone"] or "",
        "safe_contact": {
            **safe,
            "safe_times": s["safe_times"] or "",
            "alternative_contact": s["alternative_contact"] or "",
        },
        "victim_details": {
            "email": c["victim_email"] or "",
            "gender_description": (v["victim_gender_description"] or "").strip(),
            "language": a["language"] or "",
            "interpreter": a["interpreter"],
            "ethnicity": a["ethnicity"],
            "disability": a["disability"],
            "lgbt": a["lgbt"],
        },
        "details": {"referrer_agency_type": agency_type},
    }


SHARED_PAGES = [
    Page("referrer", "About you, the referrer", ReferrerForm),
    Page("victim", "The victim", VictimForm),
    Page("contact", "The victim's address and telephone", ContactForm),
    Page("safe-contact", "Safe ways to contact the victim", SafeContactForm),
    Page("about-victim", "Language and diversity", AboutVictimForm),
]
