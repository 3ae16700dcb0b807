"""The one-button form by which a web-form referrer confirms their email address."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField


class ConfirmReferrerForm(FlaskForm):
    """Pressed by the referrer; opening the link alone confirms nothing."""

    submit = SubmitField("Confirm my email address", widget=GovSubmitInput())
