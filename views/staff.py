"""Staff pages: the landing page per role, the open-referrals list and one referral."""

from typing import Any

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from views.deps import actor, uow
from views.security import role_required
from workflow import casefile
from workflow.errors import NotFound, PermissionDenied

bp = Blueprint("staff", __name__)

LANDING = {
    "coordinator": "staff.queue",
    "manager": "staff.queue",
    "idva": "staff.caseload",
    "admin": "admin.users",
}


@bp.get("/")
@login_required
def home() -> Any:
    return redirect(url_for(LANDING[current_user.role]))


@bp.get("/queue")
@role_required("coordinator", "manager")
def queue() -> Any:
    with uow() as work:
        referrals = casefile.open_referrals(work, actor())
        counts = casefile.counts_by_state(work)
    return render_template("staff/queue.html", referrals=referrals, counts=counts)


@bp.get("/caseload")
@role_required("idva")
def caseload() -> Any:
    with uow() as work:
        referrals = casefile.open_referrals(work, actor())
    return render_template("staff/caseload.html", referrals=referrals)


@bp.get("/referrals/<int:referral_id>")
@role_required("coordinator", "manager", "idva")
def referral(referral_id: int) -> Any:
    try:
        with uow() as work:
            case = casefile.open_case(work, actor(), referral_id)
    except NotFound:
        abort(404)
    except PermissionDenied:
        abort(403)
    return render_template("staff/referral.html", case=case)
