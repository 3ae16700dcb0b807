"""Account administration forms."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length

ROLE_CHOICES = [
    SelectChoice("coordinator", "Coordinator"),
    SelectChoice("idva", "IDVA"),
    SelectChoice("manager", "Manager"),
    SelectChoice("agency", "MARAC agency representative (invited sittings only)"),
    SelectChoice("admin", "Administrator (accounts only, no case content)"),
]


class NewUserForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the person's work email address"),
            Email("Enter an email address in the correct format, like name@example.org"),
            Length(max=254),
        ],
    )
    name = StringField("Full name", widget=GovTextInput(), validators=[Length(max=200)])
    role = RadioField(
        "Role",
        choices=ROLE_CHOICES,
        widget=GovRadioInput(),
        validators=[InputRequired("Select a role")],
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())


class ReferrerDomainForm(FlaskForm):
    domain = StringField(
        "Email domain",
        description="The part after the @, like agency.org.uk. Its sub-domains count too.",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the agency's email domain"), Length(max=253)],
    )
    agency = StringField(
        "Agency",
        description="Who uses it, so the next person knows why it is on the list.",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the agency's name"), Length(max=200)],
    )
    submit = SubmitField("Add domain", widget=GovSubmitInput())


class RemoveReferrerDomainForm(FlaskForm):
    submit = SubmitField("Remove", widget=GovSubmitInput())


class AccountActionForm(FlaskForm):
    """A button that changes an account (disable, enable, unlock, approve, reject)."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class RoleForm(FlaskForm):
    role = RadioField(
        "New role",
        description="Coordinator, IDVA and manager read cases: a second administrator or "
        "manager must approve them before they take effect.",
        choices=ROLE_CHOICES,
        widget=GovRadioInput(),
        validators=[InputRequired("Select a role")],
    )
    submit = SubmitField("Change role", widget=GovSubmitInput())
