"""Accounts at a glance for administrators and managers: sign-ins, unused accounts, approvals."""

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlmodel import col, select

from forms.admin import AccountActionForm
from views.deps import actor, uow
from views.security import role_required
from workflow.errors import DomainError
from workflow.models import User, utcnow
from workflow.permissions import ACCOUNT_APPROVERS
from workflow.staff import accounts

bp = Blueprint("accounts", __name__, url_prefix="/accounts")
UNUSED_AFTER = timedelta(days=90)


@bp.get("")
@role_required(ACCOUNT_APPROVERS)
def overview() -> Any:
    with uow() as work:
        rows = list(work.session.exec(select(User).order_by(col(User.email))))
        waiting = accounts.waiting(work.session)
    cutoff = utcnow() - UNUSED_AFTER
    unused = {
        u.id
        for u in rows
        if u.active and (u.last_login_at is None or _aware(u.last_login_at) < cutoff)
    }
    return render_template(
        "admin/accounts.html",
        users=rows,
        waiting=waiting,
        unused=unused,
        form=AccountActionForm(),
        unused_days=UNUSED_AFTER.days,
    )


def _aware(moment: Any) -> Any:
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


@bp.post("/<int:user_id>/approve")
@role_required(ACCOUNT_APPROVERS)
def approve(user_id: int) -> Any:
    return _decide(user_id, accounts.approve_role, "approved")


@bp.post("/<int:user_id>/reject")
@role_required(ACCOUNT_APPROVERS)
def reject(user_id: int) -> Any:
    return _decide(user_id, accounts.reject_role, "refused")


def _decide(user_id: int, decide: Any, said: str) -> Any:
    if not AccountActionForm().validate_on_submit():
        abort(400)
    try:
        with uow() as work:
            user = decide(work, actor(), user_id)
            flash(f"Role for {user.email} {said}.")
    except DomainError as error:
        flash(str(error))
    return redirect(url_for("accounts.overview"))
