"""Agency representatives' pages (issue 18): their invited sittings, the confidentiality
statement, the agenda and their own agency's research. Thin: workflow/meetings/access.py
decides who sees what and when, and audits every look."""

from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput
from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired

from forms.meetings import ResearchForm
from views.deps import actor, uow
from views.security import role_required
from workflow.deadlines.working_time import LONDON
from workflow.errors import DomainError, GuardFailed, NotFound, PermissionDenied
from workflow.meetings import access
from workflow.meetings.calendar import sitting_pattern
from workflow.permissions import AGENCY_REPRESENTATIVES

bp = Blueprint("agency", __name__, url_prefix="/marac/agency")


class AcceptForm(FlaskForm):
    accept = BooleanField(
        "I accept the confidentiality statement",
        widget=GovCheckboxInput(),
        validators=[DataRequired("Tick the box to accept the confidentiality statement")],
    )
    submit = SubmitField("Continue to the agenda", widget=GovSubmitInput())


class AgencyResearchForm(ResearchForm):
    """The research form without the agency: a representative adds only their own agency's."""


def _today() -> Any:
    return datetime.now(LONDON).date()


def _pattern() -> Any:
    return sitting_pattern(current_app.config)


@bp.route("/")
@role_required(AGENCY_REPRESENTATIVES)
def sittings() -> Any:
    with uow() as work:
        found = access.my_sittings(work, actor(), _pattern(), _today())
    return render_template("meetings/agency_sittings.html", sittings=found)


def _agenda_page(sitting_id: int, status: int = 200, failed: FlaskForm | None = None) -> Any:
    try:
        with uow() as work:
            shown = access.agency_agenda(work, actor(), sitting_id, _pattern(), _today())
    except GuardFailed:
        form = AcceptForm()
        return render_template(
            "meetings/agency_accept.html",
            form=form,
            sitting_id=sitting_id,
            statement=access.CONFIDENTIALITY_STATEMENT,
        ), status
    forms = {}
    for case in shown.agenda.cases:
        form = AgencyResearchForm(prefix=f"case{case.listing_id}", formdata=None)
        if failed is not None and failed._prefix == form._prefix:
            form = failed
        del form.agency
        forms[case.listing_id] = form
    return render_template(
        "meetings/agency_agenda.html", shown=shown, forms=forms, form=failed
    ), status


@bp.route("/sittings/<int:sitting_id>")
@role_required(AGENCY_REPRESENTATIVES)
def agenda(sitting_id: int) -> Any:
    return _agenda_page(sitting_id)


@bp.route("/sittings/<int:sitting_id>/accept", methods=["POST"])
@role_required(AGENCY_REPRESENTATIVES)
def accept(sitting_id: int) -> Any:
    form = AcceptForm()
    if form.validate_on_submit():
        with uow() as work:  # refused: the app's 403 page (views/errors.py)
            access.accept_confidentiality(work, actor(), sitting_id, _pattern(), _today())
        return redirect(url_for("agency.agenda", sitting_id=sitting_id))
    return render_template(
        "meetings/agency_accept.html",
        form=form,
        sitting_id=sitting_id,
        statement=access.CONFIDENTIALITY_STATEMENT,
    )


@bp.route("/sittings/<int:sitting_id>/cases/<int:listing_id>/research", methods=["POST"])
@role_required(AGENCY_REPRESENTATIVES)
def research(sitting_id: int, listing_id: int) -> Any:
    form = AgencyResearchForm(prefix=f"case{listing_id}")
    del form.agency
    if form.validate_on_submit():
        try:
            with uow() as work:
                access.add_agency_research(
                    work,
                    actor(),
                    listing_id,
                    form.known.data == "yes",
                    form.summary.data or "",
                    _pattern(),
                    _today(),
                )
        except (NotFound, PermissionDenied):
            raise  # the app's 404 and 403 pages (views/errors.py), not a message on the form
        except DomainError as refused:
            form.known.errors = [*list(form.known.errors), str(refused)]
        else:
            flash("Research added.")
            return redirect(url_for("agency.agenda", sitting_id=sitting_id))
    return _agenda_page(sitting_id, 200, form)
