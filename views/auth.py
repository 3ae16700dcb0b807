"""Signing in and out, and changing a password."""

import hashlib
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from forms.auth import ChangePasswordForm, SetUpForm, SignInForm, SignOutEverywhereForm
from views import known_browser
from views.deps import client_address, uow
from views.security import public
from workflow.errors import DomainError
from workflow.models import User
from workflow.staff import accounts, sessions, sign_in, sign_in_limits, two_factor
from workflow.store import throttle

bp = Blueprint("auth", __name__)
PASSWORD_CHANGES_PER_WINDOW = 5  # wrong current passwords guessed here count as sign-in guesses


@dataclass
class StaffUser(UserMixin):  # type: ignore[misc]
    """The signed-in person as Flask-Login sees them; no case data lives here."""

    id: int
    email: str
    role: str
    must_change_password: bool
    password_stamp: str
    two_factor: bool  # signs in with a second factor (views/security.py may demand it)


def _staff_user(user: User) -> StaffUser:
    return StaffUser(
        user.id or 0,
        user.email,
        user.role.value,
        user.must_change_password,
        _stamp(user),
        two_factor.enrolled(user),
    )


def _stamp(user: User) -> str:
    """A short digest of the stored hash: it changes whenever the password does."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def init_app(app: Flask) -> None:
    """Configure Flask-Login."""
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = "Sign in to continue."
    manager.session_protection = "strong"
    manager.user_loader(_load_user)


def session_limits() -> sessions.Limits:
    """The idle and absolute limits from the settings."""
    config = current_app.config
    return sessions.Limits(
        idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]),
    )


def _load_user(user_id: str) -> StaffUser | None:
    """The signed-in user, only while their account is active and their session row is live."""
    with uow() as work:
        user = work.session.get(User, int(user_id))
        if user is None or not user.active:
            return None
        live = sessions.current(work.session, user.id or 0, session.get("sid"), session_limits())
        work.commit()  # keeps "last seen", or the end of a session that ran out
        return _staff_user(user) if live else None


# Between a right password and a right code: who, since when, and where they were going. The
# cookie is signed, so it cannot be forged; it lets nothing be seen but the code page.
AWAITING_CODE = "awaiting_code"
CODE_PAGE_MINUTES = 5


# A path on this site only. Browsers read "//host", "///host" and "/\host" as another site and
# drop tabs and newlines first, so a second slash, any backslash or control character is refused.
_LOCAL_PATH = re.compile(r"/(?![/\\])[^\\\x00-\x1f\x7f]*")


def _safe_next(target: str | None) -> str:
    if not target or not _LOCAL_PATH.fullmatch(target):
        return url_for("staff.home")
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def login() -> Any:
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("auth/sign_in.html", form=form)
    user = _password_checked(form)
    if not isinstance(user, User):
        return user  # the page again, saying why
    if two_factor.enrolled(user):
        return _ask_for_code(user)
    return finish_sign_in(user, request.args.get("next"))


def _password_checked(form: SignInForm) -> User | Any:
    """The user whose password this is, or the sign-in page again with the refusal."""
    with uow() as work:
        if not sign_in_limits.client_allowed(work.session, client_address()):
            sign_in.record_busy_client(
                work, form.email.data or "", current_app.config["SECRET_KEY"]
            )
            work.commit()
            form.email.errors = ["Too many sign-in attempts. Wait 15 minutes and try again."]
            return render_template("auth/sign_in.html", form=form), 429
        work.commit()
        try:
            user = sign_in.authenticate(
                work,
                form.email.data or "",
                form.password.data or "",
                identifier_key=current_app.config["SECRET_KEY"],
                known_browser=known_browser.recognised(form.email.data or ""),
            )
        except sign_in.SignInRefused as refused:
            form.email.errors = [str(refused)]
            return render_template("auth/sign_in.html", form=form), 200
    return user


def _ask_for_code(user: User) -> Any:
    """The password was right and a second factor is set up: the sign-in waits for its code."""
    session.clear()
    session[AWAITING_CODE] = {
        "user": user.id,
        "at": time.time(),
        "next": request.args.get("next") or "",
    }
    return redirect(url_for("two_factor.code"))


def awaiting_code() -> dict[str, Any] | None:
    """The half-finished sign-in waiting for its code, while it is recent enough."""
    pending = session.get(AWAITING_CODE)
    if not isinstance(pending, dict) or time.time() - pending["at"] > CODE_PAGE_MINUTES * 60:
        return None
    return pending


def finish_sign_in(user: User, next_url: str | None) -> Any:
    """Open a server-side session for a user who has proved who they are; go where they meant."""
    signed_in = _staff_user(user)
    with uow() as work:
        token = sessions.start(work.session, user.id or 0, request.user_agent.string)
        sign_in.signed_in(work, user)
        work.commit()
    session.clear()  # nothing from before sign-in survives into the signed-in session
    session["sid"] = token
    login_user(signed_in)
    session["signed_in_at"] = session["seen_at"] = time.time()
    session["password_stamp"] = signed_in.password_stamp
    return known_browser.remember(redirect(_safe_next(next_url)), signed_in.email)


@bp.post("/sign-out")
def logout() -> Any:
    with uow() as work:
        sessions.end(work.session, session.get("sid"))
        work.commit()
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("auth.login"))


@bp.route("/change-password", methods=["GET", "POST"])
def change_password() -> Any:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not _password_change_allowed():
            form.current.errors = ["Too many attempts to change your password. Wait 15 minutes."]
            return render_template("auth/change_password.html", form=form), 429
        try:
            _change_password(form)
        except DomainError as error:
            form.new.errors = [str(error)]
        else:
            flash("Your password has been changed.")
            return redirect(url_for("staff.home"))
    return render_template("auth/change_password.html", form=form)


def _password_change_allowed() -> bool:
    """Count one attempt to change the signed-in person's password; say if it is within limits."""
    with uow() as work:
        key = f"change-password:{int(current_user.id)}"
        within = throttle.allow(
            work.session, key, PASSWORD_CHANGES_PER_WINDOW, sign_in_limits.CLIENT_WINDOW
        )
        work.commit()
    return within


def _change_password(form: ChangePasswordForm) -> None:
    """Change the password; this session goes on under it, every other one is signed out."""
    with uow() as work:
        user = sign_in.change_password(
            work,
            int(current_user.id),
            form.current.data or "",
            form.new.data or "",
            keep_session=session.get("sid"),
        )
        stamp = _stamp(user)
    current_user.must_change_password = False
    session["password_stamp"] = current_user.password_stamp = stamp


@bp.get("/account/sessions")
def sessions_page() -> Any:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.path))
    with uow() as work:
        rows = sessions.live(work.session, int(current_user.id), session_limits())
        this = next((r.id for r in rows if sessions.is_token(r, session.get("sid"))), None)
    return render_template("auth/sessions.html", rows=rows, this=this, form=SignOutEverywhereForm())


@bp.post("/account/sessions/sign-out-everywhere")
def sign_out_everywhere() -> Any:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if SignOutEverywhereForm().validate_on_submit():
        with uow() as work:
            user = work.session.get(User, int(current_user.id))
            assert user is not None  # the loader found it for this very request
            sessions.sign_out_everywhere(work.session, user)
            work.commit()
        logout_user()
        session.clear()
        flash("You have signed out on every device.")
    return redirect(url_for("auth.login"))


@bp.route("/set-up/<token>", methods=["GET", "POST"])
@public
def set_up(token: str) -> Any:
    """Choose a password through the one-time link a reset mailed to the account."""
    form = SetUpForm()
    with uow() as work:
        try:
            accounts.account_for_link(work.session, token)
        except DomainError as error:
            return render_template("auth/set_up.html", form=None, invalid=str(error)), 404
        if form.validate_on_submit():
            try:
                accounts.finish_setup(work, token, form.new.data or "")
            except DomainError as error:
                form.new.errors = [str(error)]
            else:
                flash("Your password is set. Sign in with it.")
                return redirect(url_for("auth.login"))
    return render_template("auth/set_up.html", form=form, invalid="")
