"""Forms for reaching the victim: first contact or a failed attempt, a safe channel confirmed,
and the undo of a first contact recorded by mistake."""

import re
from datetime import date, datetime, time

from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import DateField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from forms.casework import VersionedForm
from workflow.deadlines.working_time import LONDON
from workflow.record.options import CHANNEL_NAMES

_TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")
# Every channel validates; the page offers only the safe ones and the use case refuses the rest.
_CHANNELS = [SelectChoice(code, label) for code, label in CHANNEL_NAMES.items()]


class ContactForm(VersionedForm):
    outcome = RadioField(
        "Did you reach the victim?",
        choices=[
            SelectChoice("made", "Yes, first contact made"),
            SelectChoice("failed", "No, the attempt did not reach them"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired("Select whether you reached the victim")],
    )
    channel = RadioField(
        "How did you contact them?",
        choices=_CHANNELS,
        widget=GovRadioInput(),
        validators=[InputRequired("Select how you contacted the victim")],
    )
    day = DateField(
        "Date",
        description="For example, 27 3 2027",
        format="%d %m %Y",
        widget=GovDateInput(),
        validators=[InputRequired("Enter the date of the contact")],
    )
    time = StringField(
        "Time",
        description="24-hour clock, for example 14:30",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the time of the contact")],
    )
    note = TextAreaField(
        "Notes (optional)",
        description="For example, who answered, or when to try again.",
        widget=GovTextArea(),
        validators=[Length(max=2000)],
    )
    submit = SubmitField("Record contact", widget=GovSubmitInput())

    def validate_time(self, field: StringField) -> None:
        if not _TIME.match(field.data or ""):
            raise ValidationError("Enter the time as hours and minutes, for example 14:30")

    def start_now(self, now: datetime) -> None:
        """Fill the date and time with now, London time."""
        local = now.astimezone(LONDON)
        self.day.data, self.time.data = local.date(), f"{local:%H:%M}"

    def when(self) -> datetime:
        """Return the date and time given, read as London time."""
        match = _TIME.match(self.time.data or "")
        assert match and isinstance(self.day.data, date)
        clock = time(int(match.group(1)), int(match.group(2)))
        return datetime.combine(self.day.data, clock, tzinfo=LONDON)


class ConfirmChannelForm(VersionedForm):
    channel = RadioField(
        "Which channel is now known to be safe?",
        choices=_CHANNELS,
        widget=GovRadioInput(),
        validators=[InputRequired("Select the channel that is safe")],
    )
    how = TextAreaField(
        "How do you know it is safe?",
        description="For example, the victim told me in person on 5 December that texts are safe.",
        widget=GovTextArea(),
        validators=[InputRequired("Say how you know this channel is safe"), Length(max=2000)],
    )
    submit = SubmitField("Confirm safe channel", widget=GovSubmitInput())


class WithdrawContactForm(VersionedForm):
    reason = TextAreaField(
        "Why is the first contact withdrawn?",
        description="For example, recorded on the wrong referral.",
        widget=GovTextArea(),
        validators=[InputRequired("Say why the first contact is withdrawn"), Length(max=2000)],
    )
    submit = SubmitField(
        "Withdraw first contact",
        widget=GovSubmitInput(),
        render_kw={"class": "govuk-button--warning"},
    )
