"""The MARAC coordinator's pages (issue 18): sittings, listing, the agenda, the meeting itself.

Thin: each page parses its form and calls one use case in workflow/meetings/. When someone else
changed the listing, sitting or action meanwhile, the page comes back with what was typed still
in the form and a message saying so (409), as casework pages do. A sitting, listing or referral
that is not there, or not this person's to see, rises to the app's 404 and 403 pages
(views/errors.py). Who may reach these pages is `MEETING_STAFF` in workflow/permissions.py.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from forms.meetings import (
    NEXT,
    NOT_YET,
    ActionForm,
    AdjournForm,
    AttendanceForm,
    CompleteForm,
    EndActionForm,
    HearingForm,
    InviteForm,
    ListForm,
    OneOffSittingForm,
    PublishMinutesForm,
    ResearchForm,
    SittingForm,
)
from views.deps import actor, policy, uow
from views.security import role_required
from workflow.deadlines.working_time import LONDON
from workflow.errors import DomainError, NotFound, PermissionDenied, StaleReferral
from workflow.meetings import access, actions, agenda, follow_up, sittings
from workflow.meetings import listing as listings
from workflow.meetings.actions import NewAction
from workflow.meetings.calendar import SittingPattern, sitting_pattern
from workflow.meetings.lifecycle import (
    ACTION_STATE_LABELS,
    MEETING_STATE_LABELS,
    ActionEvent,
    allowed_meeting_events,
)
from workflow.meetings.models import MaracSitting, MeetingState
from workflow.models import Referral
from workflow.permissions import MEETING_STAFF
from workflow.referrals import viewing
from workflow.store.db import UnitOfWork

bp = Blueprint("meetings", __name__, url_prefix="/marac")
bp.add_app_template_global(MEETING_STATE_LABELS, "meeting_state_labels")
bp.add_app_template_global(ACTION_STATE_LABELS, "action_state_labels")


def _pattern() -> SittingPattern:
    return sitting_pattern(current_app.config)


def _today() -> date:
    return datetime.now(LONDON).date()


def _refuse(form: FlaskForm, message: str) -> None:
    field = next(f for f in form if f.type not in ("HiddenField", "CSRFTokenField"))
    field.errors = [*list(field.errors), message]


def _run(form: FlaskForm, action: Callable[[UnitOfWork], Any]) -> tuple[bool, int]:
    """Run `action` for a valid POST; (True, 200) when it was done, else the status to show."""
    if not form.validate_on_submit():
        return False, 200
    try:
        with uow() as work:
            action(work)
    except StaleReferral as stale:
        _refuse(form, str(stale))
        return False, 409
    except (NotFound, PermissionDenied):
        raise  # the app's 404 and 403 pages (views/errors.py), not a message on the form
    except DomainError as refused:
        _refuse(form, str(refused))
        return False, 200
    return True, 200


def _version(form: FlaskForm) -> int:
    return int(form.version.data)


def _sitting_label(sitting: MaracSitting, listed: int) -> str:
    chair = f", chair {sitting.chair}" if sitting.chair else ""
    return f"{sitting.sits_on:%A %-d %B %Y}{chair} ({listed} of {sitting.capacity} places taken)"


def _sitting_choices(extra: list[tuple[str, str]]) -> list[SelectChoice]:
    with uow() as work:
        found = sittings.upcoming(work, _pattern(), _today())
    pairs = extra + [(str(s.id), _sitting_label(s, n)) for s, n in found if n < s.capacity]
    return [SelectChoice(value, label) for value, label in pairs]


def _chosen(value: str) -> int | None:
    return None if value in (NEXT, NOT_YET) else int(value)


# --- Sittings ----------------------------------------------------------------------------------


@bp.route("/sittings")
@role_required(MEETING_STAFF)
def sittings_page() -> Any:
    with uow() as work:
        found = sittings.upcoming(work, _pattern(), _today())
    return render_template("meetings/sittings.html", sittings=found, today=_today())


@bp.route("/sittings/new", methods=["GET", "POST"])
@role_required(MEETING_STAFF)
def new_sitting() -> Any:
    form = OneOffSittingForm()
    added: list[MaracSitting] = []

    def add(work: UnitOfWork) -> None:
        added.append(
            sittings.add_one_off(
                work,
                actor(),
                form.sits_on.data,
                form.capacity.data,
                form.chair.data or "",
                _today(),
            )
        )

    done, status = _run(form, add)
    if done:
        flash(f"Sitting added for {added[0].sits_on:%-d %B %Y}.")
        return redirect(url_for("meetings.sitting", sitting_id=added[0].id))
    return render_template("meetings/new_sitting.html", form=form), status


def _sitting_page(sitting_id: int, status: int = 200, **forms: FlaskForm) -> Any:
    with uow() as work:
        shown = agenda.agenda(work, actor(), sitting_id)
        present = sittings.attendance(work.session, sitting_id)
        invited = access.invitations(work.session, sitting_id)
    settings = forms.get("settings") or SittingForm(
        prefix="sitting", obj=shown.sitting, formdata=None
    )
    attendance = forms.get("attendance") or AttendanceForm(prefix="attendance", formdata=None)
    invite = forms.get("invite") or InviteForm(prefix="invite", formdata=None)
    failed = forms.get("settings") or forms.get("attendance") or forms.get("invite")
    for form in (settings, attendance):
        # A form that failed only validation keeps the version it was loaded at.
        if form is not failed or status == 409:
            form.version.data = str(shown.sitting.version)
    context = {
        "agenda": shown,
        "attendance": present,
        "settings": settings,
        "today": _today(),
        "invite_form": invite,
        "invited": invited,
        "window": access.window(shown.sitting, _pattern()),
    }
    return render_template(
        "meetings/sitting.html", attendance_form=attendance, form=failed, **context
    ), status


@bp.route("/sittings/<int:sitting_id>")
@role_required(MEETING_STAFF)
def sitting(sitting_id: int) -> Any:
    return _sitting_page(sitting_id)


@bp.route("/sittings/<int:sitting_id>/change", methods=["POST"])
@role_required(MEETING_STAFF)
def change_sitting(sitting_id: int) -> Any:
    form = SittingForm(prefix="sitting")

    def change(work: UnitOfWork) -> None:
        sittings.change_sitting(
            work, actor(), sitting_id, _version(form), form.capacity.data, form.chair.data or ""
        )

    done, status = _run(form, change)
    if done:
        flash("Sitting saved.")
        return redirect(url_for("meetings.sitting", sitting_id=sitting_id))
    return _sitting_page(sitting_id, status, settings=form)


@bp.route("/sittings/<int:sitting_id>/attendance", methods=["POST"])
@role_required(MEETING_STAFF)
def attendance(sitting_id: int) -> Any:
    form = AttendanceForm(prefix="attendance")

    def record(work: UnitOfWork) -> None:
        present = form.present.data == "yes"
        sittings.record_attendance(
            work,
            actor(),
            sitting_id,
            _version(form),
            form.agency.data,
            form.attendee.data or "",
            present,
        )

    done, status = _run(form, record)
    if done:
        flash(f"Attendance recorded for {form.agency.data}.")
        return redirect(url_for("meetings.sitting", sitting_id=sitting_id) + "#attendance")
    return _sitting_page(sitting_id, status, attendance=form)


@bp.route("/sittings/<int:sitting_id>/invite", methods=["POST"])
@role_required(MEETING_STAFF)
def invite(sitting_id: int) -> Any:
    form = InviteForm(prefix="invite")

    def run(work: UnitOfWork) -> None:
        access.invite(work, actor(), sitting_id, form.email.data, form.agency.data)

    done, status = _run(form, run)
    if done:
        flash(f"{form.email.data} is invited.")
        return redirect(url_for("meetings.sitting", sitting_id=sitting_id) + "#invited")
    return _sitting_page(sitting_id, status, invite=form)


@bp.route("/sittings/<int:sitting_id>/print")
@role_required(MEETING_STAFF)
def print_agenda(sitting_id: int) -> Any:
    with uow() as work:
        shown = agenda.agenda(work, actor(), sitting_id, page="printed agenda")
    printed_at = datetime.now(LONDON).strftime("%-d %B %Y at %H:%M")
    return render_template("meetings/print.html", agenda=shown, printed_at=printed_at)


# --- Listing -----------------------------------------------------------------------------------


@bp.route("/referrals/<int:referral_id>/list", methods=["GET", "POST"])
@role_required(MEETING_STAFF)
def list_case(referral_id: int) -> Any:
    form = ListForm()
    form.sitting.choices = _sitting_choices([(NEXT, "The next sitting with space")])
    listed: list[int] = []

    def place(work: UnitOfWork) -> None:
        listing = listings.list_referral(
            work,
            actor(),
            referral_id,
            _version(form),
            _pattern(),
            _today(),
            _chosen(form.sitting.data),
        )
        listed.append(listing.id or 0)

    done, status = _run(form, place)
    if done:
        flash("The case is listed at MARAC.")
        return redirect(url_for("meetings.case", listing_id=listed[0]))
    with uow() as work:
        referral: Referral = viewing.look_up(work, actor(), referral_id, "list at marac")
        history = listings.listings_of(work.session, referral_id)
    if not form.is_submitted() or status == 409:
        form.version.data = str(referral.version)
        form.sitting.data = form.sitting.data or NEXT
    return render_template("meetings/list.html", form=form, r=referral, history=history), status


def _case_page(listing_id: int, status: int = 200, failed: FlaskForm | None = None) -> Any:
    with uow() as work:
        shown = agenda.case_at_marac(work, actor(), listing_id)
    version = str(shown.listing.version)
    forms: dict[str, FlaskForm] = {
        # Blank forms beside the one posted: they must not read the request's fields.
        "hearing": HearingForm(prefix="hearing", formdata=None),
        "action": ActionForm(prefix="action", formdata=None),
        "research": ResearchForm(prefix="research", formdata=None),
        "complete": CompleteForm(prefix="complete", formdata=None),
        "minutes": PublishMinutesForm(prefix="minutes", formdata=None),
    }
    for name, form in forms.items():
        if failed is not None and form._prefix == failed._prefix:
            forms[name] = failed
            if status != 409:
                continue
        if hasattr(forms[name], "version"):
            forms[name].version.data = version
    ends = {}
    for item in shown.actions:
        end = EndActionForm(prefix=f"end{item.id}", formdata=None)
        if failed is not None and failed._prefix == end._prefix:
            end = failed
        if status == 409 or failed is not end:
            end.version.data = str(item.version)
        ends[item.id] = end
    return render_template(
        "meetings/case.html",
        shown=shown,
        form=failed,
        forms=forms,
        ends=ends,
        allowed={e.value for e in allowed_meeting_events(shown.listing.state)},
        minutes_due=_minutes_due(shown.listing.heard_on),
        today=_today(),
        MeetingState=MeetingState,
    ), status


def _minutes_due(heard_on: date | None) -> date | None:
    days = _pattern().minutes_working_days
    return follow_up.minutes_due_on(heard_on, days) if heard_on else None


@bp.route("/cases/<int:listing_id>")
@role_required(MEETING_STAFF)
def case(listing_id: int) -> Any:
    return _case_page(listing_id)


def _case_post(
    listing_id: int, form: FlaskForm, action: Callable[[UnitOfWork], Any], done: str
) -> Any:
    ok, status = _run(form, action)
    if ok:
        flash(done)
        return redirect(url_for("meetings.case", listing_id=listing_id))
    return _case_page(listing_id, status, form)


@bp.route("/cases/<int:listing_id>/hearing", methods=["POST"])
@role_required(MEETING_STAFF)
def hearing(listing_id: int) -> Any:
    form = HearingForm(prefix="hearing")
    return _case_post(
        listing_id,
        form,
        lambda work: actions.record_hearing(
            work,
            actor(),
            listing_id,
            _version(form),
            form.risks.data or "",
            form.outcome.data or "",
            _today(),
            policy(),
        ),
        "Hearing recorded.",
    )


@bp.route("/cases/<int:listing_id>/actions", methods=["POST"])
@role_required(MEETING_STAFF)
def add_action(listing_id: int) -> Any:
    form = ActionForm(prefix="action")
    return _case_post(
        listing_id,
        form,
        lambda work: actions.add_action(
            work,
            actor(),
            listing_id,
            _version(form),
            NewAction(form.agency.data, form.description.data, form.due_on.data),
        ),
        "Action added.",
    )


@bp.route("/cases/<int:listing_id>/research", methods=["POST"])
@role_required(MEETING_STAFF)
def research(listing_id: int) -> Any:
    form = ResearchForm(prefix="research")
    return _case_post(
        listing_id,
        form,
        lambda work: actions.add_research(
            work,
            actor(),
            listing_id,
            form.agency.data,
            form.known.data == "yes",
            form.summary.data or "",
        ),
        "Research added.",
    )


@bp.route("/cases/<int:listing_id>/complete", methods=["POST"])
@role_required(MEETING_STAFF)
def complete(listing_id: int) -> Any:
    form = CompleteForm(prefix="complete")
    return _case_post(
        listing_id,
        form,
        lambda work: actions.complete(work, actor(), listing_id, _version(form), policy()),
        "The case is done at MARAC.",
    )


@bp.route("/cases/<int:listing_id>/minutes", methods=["POST"])
@role_required(MEETING_STAFF)
def publish_minutes(listing_id: int) -> Any:
    form = PublishMinutesForm(prefix="minutes")
    return _case_post(
        listing_id,
        form,
        lambda work: follow_up.publish_minutes(work, actor(), listing_id, _version(form)),
        "The minutes and action plan are published to the invited agencies.",
    )


@bp.route("/cases/<int:listing_id>/actions/<int:action_id>", methods=["POST"])
@role_required(MEETING_STAFF)
def end_action(listing_id: int, action_id: int) -> Any:
    form = EndActionForm(prefix=f"end{action_id}")
    event = ActionEvent.CLOSE if form.close.data else ActionEvent.DONE
    return _case_post(
        listing_id,
        form,
        lambda work: actions.end_action(
            work, actor(), action_id, _version(form), event, form.reason.data or "", policy()
        ),
        "Action closed." if event is ActionEvent.CLOSE else "Action marked as done.",
    )


def _move(listing_id: int, form: AdjournForm, adjourning: bool) -> Any:
    extra = [(NEXT, "The next sitting with space")]
    if adjourning:
        extra.append((NOT_YET, "Not yet: re-list it later"))
    form.sitting.choices = _sitting_choices(extra)
    moved: list[int] = []

    def run(work: UnitOfWork) -> None:
        chosen = form.sitting.data
        if adjourning:
            result = listings.adjourn(
                work,
                actor(),
                listing_id,
                _version(form),
                form.reason.data,
                _pattern(),
                _today(),
                relist=chosen != NOT_YET,
                sitting_id=_chosen(chosen),
            )
        else:
            result = listings.relist(
                work, actor(), listing_id, _version(form), _pattern(), _today(), _chosen(chosen)
            )
        moved.append(result.id or 0)

    done, status = _run(form, run)
    if done:
        flash("The case is adjourned." if adjourning else "The case is re-listed.")
        return redirect(url_for("meetings.case", listing_id=moved[0]))
    with uow() as work:
        shown = agenda.case_at_marac(work, actor(), listing_id)
    if not form.is_submitted() or status == 409:
        form.version.data = str(shown.listing.version)
        form.sitting.data = form.sitting.data or NEXT
    template = "meetings/adjourn.html" if adjourning else "meetings/relist.html"
    return render_template(template, form=form, shown=shown, adjourning=adjourning), status


@bp.route("/cases/<int:listing_id>/adjourn", methods=["GET", "POST"])
@role_required(MEETING_STAFF)
def adjourn(listing_id: int) -> Any:
    return _move(listing_id, AdjournForm(), adjourning=True)


@bp.route("/cases/<int:listing_id>/relist", methods=["GET", "POST"])
@role_required(MEETING_STAFF)
def relist(listing_id: int) -> Any:
    form = AdjournForm()
    # Re-listing asks only where: the adjournment's reason was given when it was adjourned.
    del form.reason
    return _move(listing_id, form, adjourning=False)
