"""Forms for the queue and for acting on one referral, with GOV.UK wording for errors.

Every form that changes a referral carries the version the person loaded, so a change made
meanwhile by someone else is refused instead of silently overwritten.
"""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from workflow.models.referral import Outcome
from workflow.queue.keys import FLAG_LABELS
from workflow.record import lawful_bases
from workflow.referrals.casework import RecordedConsent
from workflow.referrals.states import STATE_LABELS


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


def _choices(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


ANY = ("", "Any")
STATE_CHOICES = [("", "Any open")] + [
    (s.value, label.capitalize()) for s, label in STATE_LABELS.items()
]
PATHWAY_CHOICES = [ANY, ("marac", "MARAC"), ("stalking_idva", "Stalking IDVA")]
BAND_CHOICES = [
    ANY,
    ("high", "High"),
    ("medium", "Medium"),
    ("standard", "Standard"),
    ("none", "Not scored (no DASH score)"),
]
FLAG_CHOICES = [ANY, *FLAG_LABELS.items()]
SOURCE_CHOICES = [ANY, ("email", "Email"), ("web_form", "Web form"), ("upload", "Upload")]
OUTCOME_LABELS = {
    Outcome.SUPPORT_COMPLETED: "Support completed",
    Outcome.HEARD_AT_MARAC: "Heard at MARAC",
    Outcome.NO_CONSENT: "No consent",
    Outcome.NOT_ELIGIBLE: "Not eligible",
    Outcome.DUPLICATE: "Duplicate",
    Outcome.UNABLE_TO_CONTACT: "Unable to contact",
    Outcome.REFERRED_ELSEWHERE: "Referred elsewhere",
    Outcome.SELF_REFERRAL_SIGNPOSTED: "Self-referral signposted",
}
LAWFUL_BASES = lawful_bases.choices()  # the one list, shared with the MARAC form
CONSENT_CHOICES = [
    ("given", "Yes, consent given"),
    ("refused", "No, consent refused"),
    ("not_asked_unsafe", "Not asked, because asking was not safe"),
]
CONSENT_LABELS = dict(CONSENT_CHOICES)


class QueueFilterForm(FlaskForm):
    """The queue's filters: sent as a query string, as none of them is about a victim."""

    class Meta:
        csrf = False

    state = SelectField("State", choices=_choices(STATE_CHOICES), widget=GovSelect())
    pathway = SelectField("Pathway", choices=_choices(PATHWAY_CHOICES), widget=GovSelect())
    band = SelectField("Risk band", choices=_choices(BAND_CHOICES), widget=GovSelect())
    flag = SelectField("Flag", choices=_choices(FLAG_CHOICES), widget=GovSelect())
    source = SelectField("Source", choices=_choices(SOURCE_CHOICES), widget=GovSelect())
    idva = SelectField("Allocated IDVA", choices=[], widget=GovSelect())
    agency = StringField("Referrer's agency", widget=GovTextInput(), validators=[Length(max=200)])
    overdue = BooleanField("Overdue only", widget=GovCheckboxInput())
    submit = SubmitField("Apply filters", widget=GovSubmitInput())


class SearchForm(FlaskForm):
    """A search by reference, victim name, date of birth or postcode: posted, never in a URL."""

    q = StringField(
        "Search by reference, victim's name, date of birth or postcode",
        description="For example: REF-2026-000123, Sam Smith 3/4/1990, or CB1 2AB",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[DataRequired("Enter something to search for"), Length(max=200)],
    )
    page = IntegerField(default=1, validators=[Optional()])
    submit = SubmitField("Search", widget=GovSubmitInput())


class ExportForm(FlaskForm):
    """Download the filtered queue; the search, if any, travels in the body."""

    q = HiddenField(validators=[Length(max=200)])
    submit = SubmitField("Download as CSV", widget=GovSubmitInput())
    every = SubmitField("Download with every answer", widget=GovSubmitInput())


class VersionedForm(FlaskForm):
    version = HiddenField(validators=[InputRequired()])

    def validate_version(self, field: HiddenField) -> None:
        if not str(field.data or "").isdigit():
            raise ValidationError("Reload the referral and try again")


class ConsentForm(VersionedForm):
    consent = RadioField(
        "Has the victim consented to the referral?",
        choices=_choices(CONSENT_CHOICES),
        widget=GovRadioInput(),
        validators=[InputRequired("Select whether the victim has consented")],
    )
    victim_aware = RadioField(
        "Is the victim aware of the referral?",
        choices=_choices([("yes", "Yes"), ("no", "No")]),
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    not_sought_reason = TextAreaField(
        "Why does the referral proceed without consent?",
        description="MARAC only. For example, the risk of serious harm is too high to wait.",
        widget=GovTextArea(),
        validators=[Length(max=2000)],
    )
    lawful_basis = RadioField(
        "Lawful basis for sharing without consent",
        choices=_choices(LAWFUL_BASES),
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    submit = SubmitField("Record consent check", widget=GovSubmitInput())

    def start_from(self, recorded: RecordedConsent | None) -> None:
        """Fill the form with what the referrer recorded, for the coordinator to confirm."""
        if recorded is None:
            return
        self.consent.data = recorded.consent.value if recorded.consent else None
        aware = recorded.victim_aware
        self.victim_aware.data = None if aware is None else ("yes" if aware else "no")
        self.not_sought_reason.data = recorded.not_sought_reason
        basis = recorded.lawful_basis
        self.lawful_basis.data = basis if lawful_bases.is_current(basis) else None


class OptionalDateField(DateField):
    """A day/month/year date that may be left out: the GOV.UK widget needs all three or none."""

    def process(self, formdata, data=unset_value, extra_filters=None):  # type: ignore[no-untyped-def]
        super().process(formdata, data, extra_filters)
        if not self.raw_data or len(self.raw_data) != 3:
            self.raw_data = None


IDVA_SERVICE, MARAC_ONLY = "idva", "marac_only"


class AllocateForm(VersionedForm):
    # MARAC referrals only (issue 18): the case may go ahead at MARAC with no IDVA.
    service = RadioField(
        "Who supports the victim?",
        choices=_choices(
            [
                (IDVA_SERVICE, "An IDVA"),
                (
                    MARAC_ONLY,
                    "MARAC only: no IDVA (the victim declined, or is supported elsewhere)",
                ),
            ]
        ),
        default=IDVA_SERVICE,
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    idva = SelectField(
        "IDVA",
        choices=[],
        widget=GovSelect(),
        validators=[Optional()],
    )
    marac_only_reason = TextAreaField(
        "Why is there no IDVA?",
        description="MARAC only. For example, the victim declined an IDVA and is supported by "
        "the Refuge outreach service.",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[Length(max=2000, message="The reason must be 2000 characters or fewer")],
    )
    meeting_date = OptionalDateField(
        "MARAC meeting date",
        description="For MARAC referrals. For example, 27 3 2027",
        format="%d %m %Y",
        widget=GovDateInput(),
        validators=[Optional()],
    )
    submit = SubmitField("Allocate", widget=GovSubmitInput())

    def marac_only(self) -> bool:
        """Say whether the coordinator chose MARAC only."""
        return self.service.data == MARAC_ONLY

    def validate_idva(self, field: SelectField) -> None:
        if not self.marac_only() and not field.data:
            raise ValidationError("Choose an IDVA")

    def validate_marac_only_reason(self, field: TextAreaField) -> None:
        if self.marac_only() and not field.data:
            raise ValidationError("Enter why the case goes ahead at MARAC with no IDVA")


class CloseForm(VersionedForm):
    outcome = RadioField(
        "Outcome",
        choices=_choices([(o.value, label) for o, label in OUTCOME_LABELS.items()]),
        widget=GovRadioInput(),
        validators=[InputRequired("Select the outcome")],
    )
    reason = TextAreaField(
        "Notes on the closure (optional)", widget=GovTextArea(), validators=[Length(max=2000)]
    )
    submit = SubmitField("Close referral", widget=GovSubmitInput())


class ReopenForm(VersionedForm):
    reason = TextAreaField(
        "Why is the referral reopened?",
        description="For example, new information from the police shows the risk is current.",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[
            DataRequired("Enter why the referral is reopened"),
            Length(max=2000, message="The reason must be 2000 characters or fewer"),
        ],
    )
    submit = SubmitField("Reopen referral", widget=GovSubmitInput())


class ProposalForm(VersionedForm):
    """Accept a mailed update (it becomes the current checklist) or reject it with a reason."""

    decision = RadioField(
        "What do you want to do with this update?",
        choices=_choices(
            [
                ("accept", "Accept it: it becomes the current checklist and the rules run again"),
                ("reject", "Reject it: the referral stays as it is"),
            ]
        ),
        widget=GovRadioInput(),
        validators=[InputRequired("Select whether to accept or reject the update")],
    )
    sender_checked = BooleanField(
        "I have checked with the referrer that they sent this update",
        description="Needed when the sender is not known on this referral.",
        widget=GovCheckboxInput(),
    )
    reason = TextAreaField(
        "Why is it rejected?",
        description="Needed to reject. For example, the referrer did not send it.",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[Length(max=2000, message="The reason must be 2000 characters or fewer")],
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def validate_reason(self, field: TextAreaField) -> None:
        if self.decision.data == "reject" and not field.data:
            raise ValidationError("Enter why the update is rejected")


class NoteForm(FlaskForm):
    text = TextAreaField(
        "Note",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the note"), Length(max=10_000)],
    )
    submit = SubmitField("Add note", widget=GovSubmitInput())


class CorrectValueForm(VersionedForm):
    value = StringField("Correct value", widget=GovTextInput(), validators=[Length(max=4000)])
    reason = TextAreaField(
        "Reason for the correction",
        description="For example: misread from the scanned form, checked with the referrer.",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the reason for the correction"), Length(max=2000)],
    )
    submit = SubmitField("Save correction", widget=GovSubmitInput())


class CorrectTextForm(CorrectValueForm):
    """A correction of a multi-line answer: line breaks are kept."""

    value = TextAreaField("Correct value", widget=GovTextArea(), validators=[Length(max=4000)])


class CorrectAnswerForm(VersionedForm):
    answer = RadioField(
        "Correct answer",
        choices=_choices(
            [("yes", "Yes"), ("no", "No"), ("dont_know", "Don't know"), ("none", "Not answered")]
        ),
        widget=GovRadioInput(),
        validators=[InputRequired("Select the correct answer")],
    )
    reason = TextAreaField(
        "Reason for the correction",
        description="For example: the box for Yes is ticked in the original form.",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the reason for the correction"), Length(max=2000)],
    )
    submit = SubmitField("Save correction", widget=GovSubmitInput())


class ConfirmForm(VersionedForm):
    path = HiddenField(validators=[InputRequired(), Length(max=100)])


class DuplicateForm(VersionedForm):
    original = StringField(
        "Reference of the referral it duplicates",
        description="For example, REF-2026-000123",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the reference of the original referral"), Length(max=20)],
    )
    reason = TextAreaField(
        "Why is it a duplicate?",
        widget=GovTextArea(),
        validators=[InputRequired("Enter why it is a duplicate"), Length(max=2000)],
    )
    submit = SubmitField("Link as duplicate", widget=GovSubmitInput())


class DealtWithForm(FlaskForm):
    """Take a self-referral or a quarantined message off the "Needs a person" list."""

    note = TextAreaField(
        "What did you do?",
        description=(
            "For example: replied with the helplines, not safe to reply, asked the referrer "
            "to send the form again, junk mail"
        ),
        widget=GovTextArea(),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired("Enter what you did"), Length(max=2000)],
    )
    submit = SubmitField("Mark as dealt with", widget=GovSubmitInput())
