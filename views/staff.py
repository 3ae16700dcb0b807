"""Staff pages: the queue, one referral, the caseload, "Needs a person" and the downloads.

Victim details never travel in a URL: the queue's filters (none of them about a victim) are a
query string, but a search by name, date of birth or postcode is POSTed and answered in that
response, page buttons included. Keeping it in the session instead would put the victim's name
in Flask's session cookie, which is signed, not encrypted.
"""

import io
from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from forms.casework import (
    OUTCOME_LABELS,
    DealtWithForm,
    ExportForm,
    QueueFilterForm,
    SearchForm,
)
from views.deps import actor, policy, uow, whole_number
from views.same_origin import own_navigation_only
from views.security import role_required
from workflow.deadlines.working_time import LONDON
from workflow.errors import DomainError, NotFound
from workflow.inbound import mailbox_health, needs_person, proposals
from workflow.inbound.filenames import clean_filename
from workflow.models.referral import Pathway, Source
from workflow.permissions import CASE_READERS, CASEWORKERS, IDVAS
from workflow.queue import download, listing, status
from workflow.queue.keys import FLAG_LABELS, flags
from workflow.record import answers, catalogue, corrections, lawful_bases, review
from workflow.referrals import contact, safety, viewing
from workflow.referrals.states import State, allowed_events
from workflow.referrals.viewing import Download
from workflow.store.db import UnitOfWork

bp = Blueprint("staff", __name__)
bp.add_app_template_global(FLAG_LABELS, "flag_labels")
bp.add_app_template_global(OUTCOME_LABELS, "outcome_labels")
bp.add_app_template_global(lawful_bases.describe, "lawful_basis_label")
bp.add_app_template_global(catalogue.in_words, "value_in_words")


@bp.app_template_global()
def correction_path(row: answers.Row) -> str:
    """Return the path to correct an answer shown on the referral page by, or '' if none."""
    if row.record_path in review.EDITABLE:
        return row.record_path
    return row.path if row.path and corrections.target(row.path) else ""


@bp.app_template_global()
def has_endpoint(name: str) -> bool:
    """Say whether a page exists yet (upload, re-process come with the mailbox work)."""
    return name in current_app.view_functions


LANDING = {
    "coordinator": "staff.queue",
    "manager": "staff.queue",
    "idva": "staff.caseload",
    "admin": "admin.users",
    "agency": "agency.sittings",
}


@bp.get("/")
@login_required
def home() -> Any:
    return redirect(url_for(LANDING[current_user.role]))


def _filter_form(idvas: dict[int, str]) -> QueueFilterForm:
    form = QueueFilterForm(request.args)
    form.idva.choices = [("", "Any"), ("0", "Not allocated")] + [
        (str(i), label) for i, label in idvas.items()
    ]
    return form


def _enum(kind: Any, value: str | None) -> Any:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def _idva_id(text: str) -> int | None:
    number = whole_number(text, -1, MAX_ID)
    return number if number >= 0 else None


def _queue_filter(search: str = "") -> listing.QueueFilter:
    args = request.args
    idva = args.get("idva", "")
    return listing.QueueFilter(
        state=_enum(State, args.get("state")),
        pathway=_enum(Pathway, args.get("pathway")),
        band=args.get("band", ""),
        overdue=bool(args.get("overdue")),
        flag=args.get("flag", ""),
        agency=args.get("agency", "")[:200],
        source=_enum(Source, args.get("source")),
        idva_id=_idva_id(idva),
        search=search,
        heard_within=_heard_within(),
    )


def _render_queue(search_form: SearchForm, search: str = "", page: int = 1) -> Any:
    with uow() as work:
        result = listing.queue_page(work, actor(), _queue_filter(search), page)
        filters = _filter_form(result.idvas)
        mail = status.mail_status(work)
        mailbox = _mailbox_health(work)
        reminders = status.reminders_line(work)
    return render_template(
        "staff/queue.html",
        result=result,
        filters=filters,
        search_form=search_form,
        export_form=ExportForm(q=search),
        search=search,
        mail=mail,
        mailbox=mailbox,
        reminders=reminders,
        args=queue_args(),
    )


# The only query-string names the queue reads. Passing the whole query string to url_for let a
# crafted link set _external, _scheme or _anchor, or clash with url_for's own arguments (a 500).
QUEUE_ARGS = ("state", "pathway", "band", "overdue", "flag", "agency", "source", "idva", "page")
MAX_ID = 2**31 - 1  # the database's integer ids


def queue_args() -> dict[str, str]:
    """The queue's own filters from the query string, for its links (200 characters each)."""
    return {name: request.args[name][:200] for name in QUEUE_ARGS if request.args.get(name)}


def _mailbox_health(work: UnitOfWork) -> mailbox_health.MailboxHealth:
    return mailbox_health.health(work.session)


@bp.get("/queue", endpoint="queue")
@role_required(CASEWORKERS)
def queue_view() -> Any:
    page = whole_number(request.args.get("page"), 1, listing.MAX_PAGE)
    return _render_queue(SearchForm(formdata=None), "", page)


@bp.post("/queue/search")
@role_required(CASEWORKERS)
def queue_search() -> Any:
    form = SearchForm()
    if not form.validate_on_submit():
        return _render_queue(form)
    page = min(max(form.page.data or 1, 1), listing.MAX_PAGE)
    return _render_queue(form, form.q.data or "", page)


@bp.post("/queue/export")
@role_required(CASEWORKERS)
def queue_export() -> Any:
    form = ExportForm()
    if not form.validate_on_submit():
        abort(400)
    with uow() as work:
        text, _count = download.export_csv(
            work, actor(), _queue_filter(form.q.data or ""), every_answer=bool(form.every.data)
        )
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="referral-queue.csv"'},
    )


@bp.get("/caseload")
@role_required(IDVAS)
def caseload() -> Any:
    with uow() as work:
        rows = listing.caseload(work, actor(), heard_within=_heard_within())
    return render_template("staff/caseload.html", rows=rows)


@bp.get("/needs-a-person")
@role_required(CASEWORKERS)
def needs_a_person() -> Any:
    with uow() as work:
        waiting = needs_person.needs_a_person(work, actor())
    return render_template(
        "staff/needs_person.html", waiting=waiting, reply=needs_person.HELPLINE_REPLY
    )


@bp.route("/needs-a-person/messages/<int:message_id>/dealt-with", methods=["GET", "POST"])
@role_required(CASEWORKERS)
def dealt_with(message_id: int) -> Any:
    form = DealtWithForm()
    try:
        with uow() as work:
            if form.validate_on_submit():
                needs_person.mark_dealt_with(work, actor(), message_id, form.note.data or "")
                flash(f"Message {message_id} marked as dealt with.")
                return redirect(url_for("staff.needs_a_person"))
            message = needs_person.waiting_message(work, actor(), message_id)
    except NotFound:
        raise  # the app's 404 page (views/errors.py), not a flash
    except DomainError as refused:  # dealt with meanwhile by someone else, or never waiting
        flash(str(refused))
        return redirect(url_for("staff.needs_a_person"))
    return render_template("staff/dealt_with.html", form=form, message=message)


@bp.get("/referrals/<int:referral_id>")
@role_required(CASE_READERS)
@own_navigation_only
def referral(referral_id: int) -> Any:
    with uow() as work:
        case = viewing.open_case(work, actor(), referral_id)
        contacts = contact.summary(work.session, case.referral)
        waiting = proposals.waiting(work.session, referral_id, policy())
        decided = proposals.decided(work.session, referral_id)
    r = case.referral
    repeat_ref = r.details.get("repeat_of")
    return render_template(
        "staff/referral.html",
        case=case,
        contacts=contacts,
        review=review.review_items(r, case.assessments, case.sources),
        flags=sorted(
            flags(r.needs_review, r.rule_outcomes, r.consent.value if r.consent else None)
            | ({proposals.WAITING_FLAG} if waiting else set())
        ),
        waiting=waiting,
        decided=decided,
        allowed=[e.value for e in allowed_events(r.state)],
        repeat=next((d for d in case.possible_duplicates if d.reference == repeat_ref), None),
        **shown_record(case),
    )


@bp.get("/referrals/<int:referral_id>/print")
@role_required(CASE_READERS)
@own_navigation_only
def referral_print(referral_id: int) -> Any:
    with uow() as work:
        case = viewing.open_case(work, actor(), referral_id, "print")
    printed_at = datetime.now(LONDON).strftime("%d %B %Y %H:%M")
    return render_template(
        "staff/print.html", case=case, printed_at=printed_at, **shown_record(case, printing=True)
    )


def shown_record(case: viewing.CaseFile, printing: bool = False) -> dict[str, Any]:
    """The safety block, every answer and every checklist, for the page and the print view."""
    r = case.referral
    return {
        "safety": safety.safety_block(r, case.assessments),
        "answer_sections": answers.sections(r),
        "checklists": answers.checklists(case.assessments),
        "printing": printing,
    }


# Types a person's own programs open; anything else (HTML, SVG, XML, scripts, an unknown or
# mistyped part) goes out as plain bytes, so no browser is ever invited to render a sender's file.
DOWNLOAD_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-outlook",
        "application/ms-tnef",
        "application/vnd.ms-tnef",
        "application/rtf",
        "application/zip",
        "message/rfc822",
        "text/plain",
        "text/csv",
        "image/png",
        "image/jpeg",
        "image/gif",
    }
)


def download_type(content_type: str) -> str:
    """Return the type to send a received file with: a known document type, else bytes."""
    media = content_type.split(";")[0].strip().lower()
    return media if media in DOWNLOAD_TYPES else "application/octet-stream"


def download_filename(name: str, fallback: str) -> str:
    """Return a sender's file name fit for Content-Disposition (the one cleaner)."""
    return clean_filename(name, fallback)


def _download(fetch: Any, object_id: int) -> Any:
    with uow() as work:
        file: Download = fetch(work, actor(), object_id)
    # Always a download, never shown in the browser: a hostile HTML part cannot run as our page
    # (and security.py gives every attachment response a sandboxing CSP as well).
    return send_file(
        io.BytesIO(file.content),
        mimetype=download_type(file.content_type),
        as_attachment=True,
        download_name=download_filename(file.filename, f"download-{object_id}"),
        etag=False,
        max_age=0,
    )


@bp.get("/messages/<int:message_id>/original")
@role_required(CASE_READERS)
@own_navigation_only
def message_download(message_id: int) -> Any:
    return _download(viewing.download_message, message_id)


@bp.get("/attachments/<int:attachment_id>")
@role_required(CASE_READERS)
@own_navigation_only
def attachment_download(attachment_id: int) -> Any:
    return _download(viewing.download_attachment, attachment_id)


def _heard_within() -> int:
    """MARAC_HEARD_WITHIN_WORKING_DAYS, for the not-heard-in-time flag on the queue and caseload."""
    return int(current_app.config["MARAC_HEARD_WITHIN_WORKING_DAYS"])
