"""Account administration: administrators manage accounts, never case content."""

from typing import Any

from flask import Blueprint, render_template
from sqlmodel import col, select

from forms.admin import NewUserForm
from views.deps import actor, uow
from views.security import role_required
from workflow import staff
from workflow.errors import DomainError
from workflow.models import User
from workflow.models.staff import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@role_required("admin")
def users() -> Any:
    return _users_page()


def _users_page(created_password: str = "") -> Any:
    with uow() as work:
        accounts = list(work.session.exec(select(User).order_by(col(User.email))))
    return render_template("admin/users.html", users=accounts, created_password=created_password)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def new_user() -> Any:
    form = NewUserForm()
    if form.validate_on_submit():
        password = staff.generate_password()
        try:
            with uow() as work:
                staff.create_user(
                    work,
                    actor(),
                    form.email.data or "",
                    Role(form.role.data),
                    password,
                    form.name.data or "",
                )
        except DomainError as error:
            form.email.errors = [str(error)]
        else:
            # Shown in this response only, never flashed: a flash travels in the session cookie,
            # which is signed, not encrypted. Sending the form again is refused as a duplicate.
            return _users_page(created_password=password)
    return render_template("admin/new_user.html", form=form)
