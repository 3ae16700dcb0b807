"""Reaching the victim: record first contact or a failed attempt, confirm a safe channel, and
withdraw a first contact recorded by mistake. Each page calls one use case of
workflow.referrals.contact."""

from typing import Any

from flask import Blueprint
from wtforms.fields.choices import SelectChoice

from forms.contact import ConfirmChannelForm, ContactForm, WithdrawContactForm
from views.casework import act
from views.deps import actor, policy, uow
from views.security import role_required
from workflow.models import Referral, utcnow
from workflow.permissions import CASE_READERS
from workflow.queue import triage
from workflow.record.options import CHANNEL_NAMES
from workflow.referrals import contact
from workflow.store.db import UnitOfWork

bp = Blueprint("contact", __name__, url_prefix="/referrals/<int:referral_id>")
bp.add_app_template_global(CHANNEL_NAMES, "channel_names")
bp.add_app_template_global(triage.london, "london")


def _channels(referral: Referral) -> dict[str, Any]:
    with uow() as work:
        return {"contacts": contact.summary(work.session, referral)}


def _offering(field: Any, which: str) -> Any:
    """Show the page with only the channels it may offer (the safe ones, or the open ones)."""

    def prepare(referral: Referral) -> dict[str, Any]:
        context = _channels(referral)
        codes = getattr(context["contacts"], which)
        field.choices = [SelectChoice(code, CHANNEL_NAMES[code]) for code in codes]
        return context

    return prepare


@bp.route("/contact", methods=["GET", "POST"])
@role_required(CASE_READERS)
def record(referral_id: int) -> Any:
    form = ContactForm()
    if not form.is_submitted():
        form.start_now(utcnow())

    def run(work: UnitOfWork, version: int) -> None:
        attempt = contact.Attempt(
            form.when(), form.channel.data or "", form.outcome.data == "made", form.note.data or ""
        )
        contact.record_contact_attempt(work, actor(), referral_id, version, attempt, policy())

    done = "Contact recorded."
    return act(referral_id, form, "staff/contact.html", run, done, _offering(form.channel, "safe"))


@bp.route("/safe-channel", methods=["GET", "POST"])
@role_required(CASE_READERS)
def confirm_channel(referral_id: int) -> Any:
    form = ConfirmChannelForm()

    def run(work: UnitOfWork, version: int) -> None:
        channel, how = form.channel.data or "", form.how.data or ""
        contact.confirm_safe_channel(work, actor(), referral_id, version, channel, how)

    done = "Safe channel confirmed."
    offer = _offering(form.channel, "open")
    return act(referral_id, form, "staff/safe_channel.html", run, done, offer)


@bp.route("/first-contact/withdraw", methods=["GET", "POST"])
@role_required(CASE_READERS)
def withdraw(referral_id: int) -> Any:
    form = WithdrawContactForm()

    def run(work: UnitOfWork, version: int) -> None:
        reason = form.reason.data or ""
        contact.withdraw_first_contact(work, actor(), referral_id, version, reason, policy())

    done = "First contact withdrawn: it is due again."
    return act(referral_id, form, "staff/withdraw_contact.html", run, done, _channels)
