"""Sign-in and password forms."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length

from workflow.staff import passwords


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), Length(max=200)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _new_password(description: str) -> PasswordField:
    return PasswordField(
        "New password",
        description=description,
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter a new password"), Length(max=200)],
    )


def _confirm_new_password() -> PasswordField:
    return PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Confirm your new password"),
            EqualTo("new", "Enter the same new password twice"),
        ],
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password"), Length(max=200)],
    )
    new = _new_password(f"{passwords.RULES}, and different from your current password.")
    confirm = _confirm_new_password()
    submit = SubmitField("Change password", widget=GovSubmitInput())


class SignOutEverywhereForm(FlaskForm):
    submit = SubmitField("Sign out everywhere", widget=GovSubmitInput())


class SetUpForm(FlaskForm):
    new = _new_password(f"{passwords.RULES}.")
    confirm = _confirm_new_password()
    submit = SubmitField("Set password", widget=GovSubmitInput())


class TwoFactorCodeForm(FlaskForm):
    code = StringField(
        "Code",
        description="The 6-digit code your authenticator app shows now, or one of your "
        "recovery codes.",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the code from your authenticator app"), Length(max=40)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class TwoFactorSetUpForm(FlaskForm):
    code = StringField(
        "Code from your app",
        description="The 6-digit code your authenticator app shows for this account.",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the code from your authenticator app"), Length(max=20)],
    )
    submit = SubmitField("Turn on two-factor sign-in", widget=GovSubmitInput())


class NewRecoveryCodesForm(FlaskForm):
    submit = SubmitField("Make new recovery codes", widget=GovSubmitInput())
