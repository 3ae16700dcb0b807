"""Forms for the MARAC coordinator's pages (issue 18): sittings, listing, the meeting itself.

Each form that changes a listing, a sitting or an action carries the version the person loaded,
so a change made meanwhile by someone else is refused rather than overwritten.
"""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

NEXT = "next"
NOT_YET = "later"


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


def _agency() -> StringField:
    return StringField(
        "Agency",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[InputRequired("Enter the agency"), Length(max=200)],
    )


def _capacity() -> IntegerField:
    return IntegerField(
        "How many cases it can hear",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter how many cases the sitting can hear"),
            NumberRange(1, 200, "Enter a number from 1 to 200"),
        ],
    )


class DayField(DateField):
    """A day/month/year date; a request without its three parts counts as not entered (the
    GOV.UK widget cannot show anything else)."""

    def process(self, formdata, data=unset_value, extra_filters=None):  # type: ignore[no-untyped-def]
        super().process(formdata, data, extra_filters)
        if not self.raw_data or len(self.raw_data) != 3:
            self.raw_data = None


class VersionedForm(FlaskForm):
    version = HiddenField(validators=[InputRequired()])

    def validate_version(self, field: HiddenField) -> None:
        if not str(field.data or "").isdigit():
            raise ValidationError("Reload the page and try again")


class OneOffSittingForm(FlaskForm):
    sits_on = DayField(
        "Date of the sitting",
        description="For example, 27 3 2027",
        format="%d %m %Y",
        widget=GovDateInput(),
        validators=[InputRequired("Enter the date of the sitting")],
    )
    capacity = _capacity()
    chair = StringField(
        "Chair (optional)", widget=GovTextInput(), filters=[_strip], validators=[Length(max=200)]
    )
    submit = SubmitField("Add the sitting", widget=GovSubmitInput())


class SittingForm(VersionedForm):
    capacity = _capacity()
    chair = StringField(
        "Chair", widget=GovTextInput(), filters=[_strip], validators=[Length(max=200)]
    )
    submit = SubmitField("Save the sitting", widget=GovSubmitInput())


class AttendanceForm(VersionedForm):
    agency = _agency()
    present = RadioField(
        "Did the agency attend?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No, it sent no one")],
        widget=GovRadioInput(),
        validators=[InputRequired("Select whether the agency attended")],
    )
    attendee = StringField(
        "Who attended for it",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[Length(max=200)],
    )
    submit = SubmitField("Record attendance", widget=GovSubmitInput())


class InviteForm(FlaskForm):
    email = StringField(
        "Representative's email address",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[InputRequired("Enter the representative's email address"), Length(max=254)],
    )
    agency = StringField(
        "Agency they attend for",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[InputRequired("Enter the agency"), Length(max=200)],
    )
    submit = SubmitField("Invite", widget=GovSubmitInput())


class ListForm(VersionedForm):
    sitting = RadioField(
        "Which sitting?",
        choices=[],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose a sitting")],
    )
    submit = SubmitField("List the case", widget=GovSubmitInput())


class AdjournForm(VersionedForm):
    reason = TextAreaField(
        "Why is the case adjourned?",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[InputRequired("Give the reason the case is adjourned"), Length(max=2000)],
    )
    sitting = RadioField(
        "Re-list it on",
        choices=[],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose where to re-list the case")],
    )
    submit = SubmitField("Adjourn the case", widget=GovSubmitInput())


class HearingForm(VersionedForm):
    risks = TextAreaField(
        "Risks identified",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[Length(max=10000)],
    )
    outcome = TextAreaField(
        "Outcome at MARAC",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[InputRequired("Record the outcome"), Length(max=10000)],
    )
    submit = SubmitField("Record the hearing", widget=GovSubmitInput())


class ActionForm(VersionedForm):
    agency = StringField(
        "Owning agency",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[InputRequired("Enter the agency that owns the action"), Length(max=200)],
    )
    description = TextAreaField(
        "Action",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[InputRequired("Describe the action"), Length(max=4000)],
    )
    due_on = DayField(
        "Due date",
        description="For example, 27 3 2027",
        format="%d %m %Y",
        widget=GovDateInput(),
        validators=[InputRequired("Enter the date the action is due")],
    )
    submit = SubmitField("Add the action", widget=GovSubmitInput())


class EndActionForm(VersionedForm):
    reason = StringField(
        "Reason for closing it without doing it",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[Optional(), Length(max=2000)],
    )
    done = SubmitField("Mark as done", widget=GovSubmitInput())
    close = SubmitField("Close with the reason", widget=GovSubmitInput())


class CompleteForm(VersionedForm):
    submit = SubmitField("Mark the case done at MARAC", widget=GovSubmitInput())


class PublishMinutesForm(VersionedForm):
    submit = SubmitField(
        "Publish the minutes and action plan to the invited agencies", widget=GovSubmitInput()
    )


class ResearchForm(FlaskForm):
    agency = _agency()
    known = RadioField(
        "Is the case known to the agency?",
        choices=[SelectChoice("yes", "Yes, known to us"), SelectChoice("no", "Not known")],
        widget=GovRadioInput(),
        validators=[InputRequired("Select whether the case is known to the agency")],
    )
    summary = TextAreaField(
        "What the agency knows",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[Length(max=10000)],
    )
    submit = SubmitField("Add the research", widget=GovSubmitInput())
