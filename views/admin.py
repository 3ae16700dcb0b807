"""Administration: accounts and the referrer-domain list; administrators never see case content."""

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from sqlmodel import col, select

from forms.admin import (
    AccountActionForm,
    NewUserForm,
    ReferrerDomainForm,
    RemoveReferrerDomainForm,
    RoleForm,
)
from views.deps import actor, uow
from views.security import role_required
from workflow.errors import DomainError
from workflow.inbound import referrer_domains
from workflow.models import User
from workflow.models.staff import Role
from workflow.permissions import ADMINS
from workflow.staff import accounts, sign_in, two_factor

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@role_required(ADMINS)
def users() -> Any:
    return _users_page()


def _users_page(created_password: str = "") -> Any:
    with uow() as work:
        accounts = list(work.session.exec(select(User).order_by(col(User.email))))
    return render_template("admin/users.html", users=accounts, created_password=created_password)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(ADMINS)
def new_user() -> Any:
    form = NewUserForm()
    if form.validate_on_submit():
        password = sign_in.generate_password()
        try:
            with uow() as work:
                user = sign_in.create_user(
                    work,
                    actor(),
                    form.email.data or "",
                    Role(form.role.data),
                    password,
                    form.name.data or "",
                )
                accounts.hold_new_account(work, actor(), user)
        except DomainError as error:
            form.email.errors = [str(error)]
        else:
            # Shown in this response only, never flashed: a flash travels in the session cookie,
            # which is signed, not encrypted. Sending the form again is refused as a duplicate.
            return _users_page(created_password=password)
    return render_template("admin/new_user.html", form=form)


@bp.route("/referrer-domains", methods=["GET", "POST"])
@role_required(ADMINS)
def referrer_domains_page() -> Any:
    form = ReferrerDomainForm()
    if form.validate_on_submit():
        try:
            with uow() as work:
                row = referrer_domains.add(
                    work, actor(), form.domain.data or "", form.agency.data or ""
                )
        except DomainError as error:
            form.domain.errors = [str(error)]
        else:
            flash(f"{row.domain} added: its referrers count as professionals.")
            return redirect(url_for("admin.referrer_domains_page"))
    with uow() as work:
        domains = referrer_domains.listed(work.session)
    return render_template(
        "admin/referrer_domains.html", form=form, domains=domains, remove=RemoveReferrerDomainForm()
    )


@bp.post("/referrer-domains/<int:domain_id>/remove")
@role_required(ADMINS)
def remove_referrer_domain(domain_id: int) -> Any:
    if not RemoveReferrerDomainForm().validate_on_submit():
        abort(400)
    try:
        with uow() as work:
            domain = referrer_domains.remove(work, actor(), domain_id)
    except DomainError as error:
        flash(str(error))
    else:
        flash(f"{domain} removed: new referrals from it will be flagged to verify.")
    return redirect(url_for("admin.referrer_domains_page"))


@bp.get("/users/<int:user_id>")
@role_required(ADMINS)
def account(user_id: int) -> Any:
    return _account_page(user_id, RoleForm())


def _account_page(user_id: int, role_form: RoleForm) -> Any:
    with uow() as work:
        user = work.session.get(User, user_id)
        if user is None:
            abort(404)
    return render_template(
        "admin/account.html", user=user, action=AccountActionForm(), form=role_form
    )


_ACTIONS = {
    "disable": (accounts.disable, "disabled: every session it had has ended"),
    "enable": (accounts.enable, "enabled"),
    "unlock": (accounts.unlock, "unlocked"),
}


@bp.post("/users/<int:user_id>/<what>")
@role_required(ADMINS)
def account_action(user_id: int, what: str) -> Any:
    if what not in _ACTIONS:
        abort(404)
    if not AccountActionForm().validate_on_submit():
        abort(400)
    change, said = _ACTIONS[what]
    try:
        with uow() as work:
            user = change(work, actor(), user_id)
            flash(f"{user.email} {said}.")
    except DomainError as error:
        flash(str(error))
    return redirect(url_for("admin.account", user_id=user_id))


@bp.post("/users/<int:user_id>/reset-password")
@role_required(ADMINS)
def reset_password(user_id: int) -> Any:
    if not AccountActionForm().validate_on_submit():
        abort(400)
    try:
        with uow() as work:
            base_url = current_app.config["BASE_URL"]
            user = accounts.reset_password(work, actor(), user_id, base_url)
            flash(f"A set-up link, valid for 72 hours, was mailed to {user.email}.")
    except DomainError as error:
        flash(str(error))
    return redirect(url_for("admin.account", user_id=user_id))


@bp.post("/users/<int:user_id>/reset-two-factor")
@role_required(ADMINS)
def reset_two_factor(user_id: int) -> Any:
    if not AccountActionForm().validate_on_submit():
        abort(400)
    try:
        with uow() as work:
            user = two_factor.reset(work, actor(), user_id)
            flash(f"Two-factor sign-in reset for {user.email}: every session it had has ended.")
    except DomainError as error:
        flash(str(error))
    return redirect(url_for("admin.account", user_id=user_id))


@bp.post("/users/<int:user_id>/role")
@role_required(ADMINS)
def change_role(user_id: int) -> Any:
    form = RoleForm()
    if not form.validate_on_submit():
        return _account_page(user_id, form)
    try:
        with uow() as work:
            user = accounts.request_role(work, actor(), user_id, Role(form.role.data))
            waiting = user.pending_role is not None
            flash(
                f"{user.email}: the new role waits for a second administrator or manager."
                if waiting
                else f"{user.email} is now {user.role.value}."
            )
    except DomainError as error:
        flash(str(error))
    return redirect(url_for("admin.account", user_id=user_id))
