"""The coordinator's door into ingestion: upload a saved message or form, read one again.

An upload takes exactly the path a message from the mailbox takes (mailbox.ingest); only the
channel differs, so an uploaded referral is never acknowledged automatically.
"""

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField

from mailbox.ingest import IngestConfig, ingest, wrap_upload
from mailbox.ingest import reprocess as read_again
from views.deps import actor, database, policy, uow
from views.same_origin import own_navigation_only
from views.security import role_required
from workflow.errors import DomainError, NotFound
from workflow.inbound import needs_person, review
from workflow.permissions import CASEWORKERS

bp = Blueprint("intake", __name__, url_prefix="/intake")

EXTENSIONS = ["eml", "msg", "docx", "pdf", "xlsx"]
OUTCOMES = {
    "referral": "A new referral was created",
    "update": "It was added to an existing referral",
    "duplicate": "It repeats a message already received",
    "ignore_autoreply": "It is an automatic reply and was ignored",
    "ignore_bounce": "It is a delivery failure and was ignored",
    "reject_self_referral": "It looks like a victim writing in: it waits for a person to answer",
    "quarantine": "It could not be read and is in quarantine",
    "pending": "It is stored and waits to be read",
}


class UploadForm(FlaskForm):
    file = FileField(
        "Upload a referral",
        widget=GovFileInput(),
        validators=[
            FileRequired("Select a file to upload"),
            FileAllowed(EXTENSIONS, "The selected file must be an EML, MSG, DOCX, PDF or XLSX"),
        ],
    )
    submit = SubmitField("Upload and read", widget=GovSubmitInput())


def _config() -> IngestConfig:
    return IngestConfig.from_settings(current_app.config)


@bp.route("/upload", methods=["GET", "POST"])
@role_required(CASEWORKERS)
def upload() -> Any:
    form = UploadForm()
    if form.validate_on_submit():
        sent = form.file.data
        raw = wrap_upload(sent.filename or "upload", sent.read(), current_user.email)
        settled, _ = ingest(database(), raw, _config(), actor(), channel="upload")
        flash(f"{OUTCOMES[settled.disposition.value]}.")
        return redirect(url_for("intake.message", message_id=settled.message_id))
    return render_template("intake/upload.html", form=form, extensions=EXTENSIONS)


@bp.get("/messages/<int:message_id>")
@role_required(CASEWORKERS)
@own_navigation_only
def message(message_id: int) -> Any:
    with uow() as work:
        view = review.view_message(work, actor(), message_id, policy())
        settled_by_person = needs_person.dealt_with(work, message_id)
    return render_template(
        "intake/message.html", message=view, outcomes=OUTCOMES, dealt_with=settled_by_person
    )


@bp.post("/messages/<int:message_id>/reprocess")
@role_required(CASEWORKERS)
def reprocess(message_id: int) -> Any:
    try:
        settled = read_again(database(), message_id, _config(), actor())
    except NotFound:
        raise  # the app's 404 page (views/errors.py), not a flash
    except DomainError as error:
        flash(str(error))
    else:
        flash(f"Read again. {OUTCOMES[settled.disposition.value]}.")
    return redirect(url_for("intake.message", message_id=message_id))
