"""Two-factor sign-in pages: the code after the password, setting it up, and its status."""

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from forms.auth import NewRecoveryCodesForm, TwoFactorCodeForm, TwoFactorSetUpForm
from views import auth
from views.deps import client_address, uow
from views.security import public
from workflow.errors import DomainError
from workflow.staff import sign_in_limits, two_factor

bp = Blueprint("two_factor", __name__)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
def code() -> Any:
    """The second step of sign-in, reached only from a right password a few minutes ago."""
    pending = auth.awaiting_code()
    if pending is None:
        session.pop(auth.AWAITING_CODE, None)
        flash("Sign in again to continue.")
        return redirect(url_for("auth.login"))
    form = TwoFactorCodeForm()
    if not form.validate_on_submit():
        return render_template("auth/two_factor_code.html", form=form)
    with uow() as work:
        within = sign_in_limits.client_allowed(work.session, client_address())
        work.commit()
    if not within:
        form.code.errors = [two_factor.TOO_MANY]
        return render_template("auth/two_factor_code.html", form=form), 429
    try:
        with uow() as work:
            user = two_factor.check_code(work, int(pending["user"]), form.code.data or "")
    except DomainError as error:
        form.code.errors = [str(error)]
        status = 429 if str(error) == two_factor.TOO_MANY else 200
        return render_template("auth/two_factor_code.html", form=form), status
    return auth.finish_sign_in(user, pending["next"])


@bp.get("/account/two-factor")
def status() -> Any:
    """Whether this account uses a second factor, and how many recovery codes are left."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.path))
    with uow() as work:
        left = two_factor.recovery_codes_left(work.session, int(current_user.id))
    return render_template("auth/two_factor.html", left=left, form=NewRecoveryCodesForm())


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
def set_up() -> Any:
    """Add the account to an authenticator app, prove it with a code, then see recovery codes."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.path))
    if current_user.two_factor:
        return redirect(url_for("two_factor.status"))
    form = TwoFactorSetUpForm()
    if form.validate_on_submit():
        try:
            with uow() as work:
                codes = two_factor.confirm(
                    work, int(current_user.id), form.code.data or "", session.get("sid")
                )
        except DomainError as error:
            form.code.errors = [str(error)]
        else:
            return _recovery_codes(codes)
    with uow() as work:
        enrolment = two_factor.begin(work, int(current_user.id))
    required = current_app.config["REQUIRE_TWO_FACTOR"]
    return render_template(
        "auth/two_factor_set_up.html", form=form, enrolment=enrolment, required=required
    )


@bp.post("/account/two-factor/recovery-codes")
def new_recovery_codes() -> Any:
    """Replace the recovery codes (the old ones stop working) and show the new ones once."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if NewRecoveryCodesForm().validate_on_submit():
        try:
            with uow() as work:
                return _recovery_codes(two_factor.new_recovery_codes(work, int(current_user.id)))
        except DomainError as error:
            flash(str(error))
    return redirect(url_for("two_factor.status"))


def _recovery_codes(codes: list[str]) -> Any:
    # Shown in this response only, never flashed or kept: the session cookie is signed, not
    # encrypted, and the page is never cached (views/security.py).
    return render_template("auth/recovery_codes.html", codes=codes)
