"""Acting on one referral: each page parses its form and calls one workflow use case.

When someone else changed the referral meanwhile, the page comes back with what this person
typed still in the form, a message saying so, and the referral as it is now: nothing is lost.
"""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm

from forms.casework import (
    CONSENT_LABELS,
    AllocateForm,
    CloseForm,
    ConfirmForm,
    ConsentForm,
    CorrectAnswerForm,
    CorrectTextForm,
    CorrectValueForm,
    DuplicateForm,
    NoteForm,
    ProposalForm,
    ReopenForm,
)
from views.deps import actor, policy, uow
from views.same_origin import offer_link_if_from_elsewhere
from views.security import role_required
from workflow.errors import DomainError, NotFound, PermissionDenied, StaleReferral
from workflow.inbound import proposals
from workflow.models import Referral
from workflow.models.referral import Consent, Outcome
from workflow.permissions import CASE_READERS, CASEWORKERS
from workflow.record import corrections, review
from workflow.referrals import allocation, casework, notes, viewing
from workflow.referrals.casework import ConsentDecision
from workflow.store.db import UnitOfWork

bp = Blueprint("casework", __name__, url_prefix="/referrals/<int:referral_id>")
# Each of these pages records a "view" of the referral: only on the person's own navigation.
bp.before_request(offer_link_if_from_elsewhere)
bp.add_app_template_global(frozenset(review.EDITABLE), "correctable")

Action = Callable[[UnitOfWork, int], Any]


def _show(referral_id: int, page: str) -> Referral:
    with uow() as work:
        return viewing.look_up(work, actor(), referral_id, page)


def _first_field(form: FlaskForm) -> Any:
    return next(f for f in form if f.type not in ("HiddenField", "CSRFTokenField"))


def _refuse(form: FlaskForm, message: str) -> None:
    field = _first_field(form)
    field.errors = [*list(field.errors), message]


def act(
    referral_id: int,
    form: FlaskForm,
    template: str,
    action: Action,
    done: str,
    prepare: Callable[[Referral], dict[str, Any]] | None = None,
    **context: Any,
) -> Any:
    """Run `action` on a valid POST and go back to the referral; otherwise show the form
    (with what `prepare` adds to the page, given the referral as it is now)."""
    status = 200
    if form.validate_on_submit():
        try:
            with uow() as work:
                action(work, int(form.version.data))
        except StaleReferral as stale:
            _refuse(form, str(stale))
            status = 409
        except (NotFound, PermissionDenied):
            raise  # the app's 404 and 403 pages (views/errors.py), not a flash
        except DomainError as refused:
            _refuse(form, str(refused))
        else:
            flash(done)
            return redirect(url_for("staff.referral", referral_id=referral_id))
    referral = _show(referral_id, template.rpartition("/")[2].removesuffix(".html"))
    if not form.is_submitted() or status == 409:
        # After a conflict the form carries the current version, so the person can check the
        # referral as it is now and send their change again; a form that only failed validation
        # keeps the version it was loaded at, so a change made meanwhile is still caught.
        form.version.data = str(referral.version)
    if prepare is not None:
        context.update(prepare(referral))
    return render_template(template, form=form, r=referral, **context), status


@bp.route("/consent", methods=["GET", "POST"])
@role_required(CASEWORKERS)
def consent(referral_id: int) -> Any:
    form = ConsentForm()

    def start(referral: Referral) -> dict[str, Any]:
        recorded = casework.recorded_consent(referral)
        if not form.is_submitted():
            form.start_from(recorded)  # the check starts from the referrer's record, not blank
        with uow() as work:
            again = casework.consent_checked_before(work.session, referral_id)
        return {"recorded": recorded, "consent_labels": CONSENT_LABELS, "checked_before": again}

    def run(work: UnitOfWork, version: int) -> None:
        aware = {"yes": True, "no": False}.get(form.victim_aware.data or "")
        decision = ConsentDecision(
            Consent(form.consent.data),
            victim_aware=aware,
            not_sought_reason=form.not_sought_reason.data or "",
            lawful_basis=form.lawful_basis.data or "",
        )
        casework.check_consent(work, actor(), referral_id, version, decision, policy())

    return act(referral_id, form, "staff/consent.html", run, "Consent check recorded.", start)


@bp.route("/allocate", methods=["GET", "POST"])
@role_required(CASEWORKERS)
def allocate(referral_id: int) -> Any:
    form = AllocateForm()
    with uow() as work:
        idvas = allocation.idva_choices(work, actor())
    form.idva.choices = [("", "Choose an IDVA")] + [(str(c.id), c.label) for c in idvas]

    def run(work: UnitOfWork, version: int) -> None:
        if form.marac_only():
            reason = form.marac_only_reason.data or ""
            casework.allocate_marac_only(work, actor(), referral_id, version, reason, policy())
            return
        idva = int(form.idva.data) if str(form.idva.data).isdigit() else 0
        base_url = current_app.config["BASE_URL"]
        casework.allocate(
            work,
            actor(),
            referral_id,
            version,
            idva,
            form.meeting_date.data,
            base_url,
            policy(),
        )

    return act(referral_id, form, "staff/allocate.html", run, "Referral allocated.")


@bp.route("/close", methods=["GET", "POST"])
@role_required(CASEWORKERS)
def close(referral_id: int) -> Any:
    form = CloseForm()

    def run(work: UnitOfWork, version: int) -> None:
        outcome = Outcome(form.outcome.data)
        casework.close(
            work, actor(), referral_id, version, outcome, form.reason.data or "", policy()
        )

    return act(referral_id, form, "staff/close.html", run, "Referral closed.")


@bp.route("/reopen", methods=["GET", "POST"])
@role_required(CASEWORKERS)
def reopen(referral_id: int) -> Any:
    form = ReopenForm()

    def run(work: UnitOfWork, version: int) -> None:
        reason = form.reason.data or ""
        casework.reopen_referral(work, actor(), referral_id, version, reason, policy())

    done = "Referral reopened: it starts again with the consent check."
    return act(referral_id, form, "staff/reopen.html", run, done)


@bp.route("/updates/<int:proposal_id>", methods=["GET", "POST"])
@role_required(CASEWORKERS)
def proposal(referral_id: int, proposal_id: int) -> Any:
    """Compare a mailed update with the current checklist, then accept or reject it."""
    form = ProposalForm()

    def show(_referral: Referral) -> dict[str, Any]:
        with uow() as work:
            return {"p": proposals.one(work.session, referral_id, proposal_id, policy())}

    def run(work: UnitOfWork, version: int) -> None:
        if form.decision.data == "accept":
            checked = bool(form.sender_checked.data)
            proposals.accept(work, actor(), referral_id, version, proposal_id, checked, policy())
        else:
            proposals.reject(
                work, actor(), referral_id, version, proposal_id, form.reason.data or ""
            )

    done = "Update accepted." if form.decision.data == "accept" else "Update rejected."
    return act(referral_id, form, "staff/proposal.html", run, done, show)


@bp.route("/note", methods=["GET", "POST"])
@role_required(CASE_READERS)
def note(referral_id: int) -> Any:
    form = NoteForm()
    if form.validate_on_submit():
        try:
            with uow() as work:
                notes.add_note(work, actor(), referral_id, form.text.data or "", policy())
        except (NotFound, PermissionDenied):
            raise  # the app's 404 and 403 pages (views/errors.py), not a flash
        except DomainError as refused:
            _refuse(form, str(refused))
        else:
            flash("Note added.")
            return redirect(url_for("staff.referral", referral_id=referral_id))
    referral = _show(referral_id, "note")
    return render_template("staff/note.html", form=form, r=referral)


@bp.route("/correct/<path:path>", methods=["GET", "POST"])
@role_required(CASEWORKERS)
def correct(referral_id: int, path: str) -> Any:
    answer = review.split_answer_path(path)
    # Any other answer the page shows is corrected by its catalogue path.
    catalogued = None if answer or path in review.EDITABLE else corrections.target(path)
    if answer is None and path not in review.EDITABLE and catalogued is None:
        abort(404)
    if catalogued:
        return _correct_catalogued(referral_id, catalogued)
    form: Any = CorrectAnswerForm() if answer else CorrectValueForm()

    def run(work: UnitOfWork, version: int) -> None:
        reason = form.reason.data or ""
        if answer:
            value = None if form.answer.data == "none" else form.answer.data
            review.correct_answer(
                work, actor(), referral_id, version, path, value, reason, policy()
            )
        else:
            review.correct_field(
                work, actor(), referral_id, version, path, form.value.data or "", reason, policy()
            )

    context = _correction_page(referral_id, path, answer)
    return act(referral_id, form, "staff/correct.html", run, "Correction saved.", **context)


def _correction_page(referral_id: int, path: str, answer: tuple[str, str] | None) -> dict[str, Any]:
    """What the correction page names: the field or question, and a checklist answer's value."""
    editable = review.EDITABLE.get(path)
    kind = "DASH" if answer and answer[0] == "dash" else "S-DASH"
    label = editable.label if editable else f"{kind} question {answer[1] if answer else ''}"
    context: dict[str, Any] = {"path": path, "label": label, "answer": answer}
    if editable:
        context["attribute"] = editable.attribute
    if answer:
        with uow() as work:
            checklist = review.latest_checklist(work, referral_id, answer[0])
        current = (checklist.answers.get(answer[1]) or {}) if checklist else {}
        context["current"] = current.get("answer")
    return context


def _correct_catalogued(referral_id: int, target: corrections.Target) -> Any:
    form: Any = CorrectTextForm() if target.lines else CorrectValueForm()

    def run(work: UnitOfWork, version: int) -> None:
        value, reason = form.value.data or "", form.reason.data or ""
        corrections.correct_answer(
            work, actor(), referral_id, version, target.path, value, reason, policy()
        )

    def prepare(referral: Referral) -> dict[str, Any]:
        with uow() as work:
            value = corrections.current(work, referral, target)
        if not form.is_submitted():
            form.value.data = corrections.typed(value, target)
        return {"shown": target.item.shown(value), "hint": target.hint}

    label = target.item.label
    context = {"path": target.path, "label": label, "answer": None}
    return act(
        referral_id, form, "staff/correct.html", run, "Correction saved.", prepare, **context
    )


@bp.post("/confirm")
@role_required(CASEWORKERS)
def confirm(referral_id: int) -> Any:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with uow() as work:
            review.confirm(work, actor(), referral_id, int(form.version.data), form.path.data or "")
    except StaleReferral as stale:
        flash(str(stale))
    except (NotFound, PermissionDenied):
        raise  # the app's 404 and 403 pages (views/errors.py), not a flash
    except DomainError as refused:
        flash(str(refused))
    else:
        flash(f"Confirmed {form.path.data} as read.")
    return redirect(url_for("staff.referral", referral_id=referral_id))


@bp.route("/duplicate", methods=["GET", "POST"])
@role_required(CASEWORKERS)
def duplicate(referral_id: int) -> Any:
    form = DuplicateForm()

    def run(work: UnitOfWork, version: int) -> None:
        notes.link_duplicate(
            work, actor(), referral_id, version, form.original.data or "", form.reason.data or ""
        )

    return act(referral_id, form, "staff/duplicate.html", run, "Linked as a duplicate.")
