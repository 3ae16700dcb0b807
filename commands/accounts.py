"""Staff accounts from the command line."""

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from workflow.actors import Actor
from workflow.errors import DomainError
from workflow.models import User
from workflow.models.staff import Role
from workflow.staff import accounts, sign_in, two_factor
from workflow.store.db import UnitOfWork

OPERATOR = Actor.system("cli")


def _write_private(path: Path, text: str) -> None:
    """Write `text` to a file only its owner can read, whatever the umask or an older file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)


def _read_password() -> str:
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\n")


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="")
@with_appcontext
def create_user(email: str, role: str, name: str) -> None:
    """Add a staff account; the password comes from a prompt or standard input."""
    try:
        with current_app.extensions["database"].uow() as work:
            sign_in.create_user(work, OPERATOR, email, Role(role), _read_password(), name)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {email} ({role}). They must change the password at first sign-in.")


@click.command("create-first-admin")
@click.option("--email", default="admin@localhost", show_default=True)
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the one-time password here (mode 0600), so scrolling cannot lose it.",
)
@with_appcontext
def create_first_admin(email: str, password_file: Path | None) -> None:
    """Create an administrator when there is none, printing its one-time password once."""
    with current_app.extensions["database"].uow() as work:
        if sign_in.has_admin(work):
            click.echo("An administrator account exists already; nothing to do.")
            return
        password = sign_in.generate_password()
        sign_in.create_user(work, OPERATOR, email, Role.ADMIN, password, "Administrator")
    if password_file is not None:
        _write_private(password_file, f"{email}\n{password}\n")
    kept = f"It is also in {password_file} (readable by you only).\n" if password_file else ""
    click.echo(
        f"\nFirst administrator: {email}\nOne-time password: {password}\n"
        f"This is shown once. Sign in and you will be asked to change it.\n{kept}"
    )


def _change(email: str, change: Callable[[UnitOfWork, Actor, int], User]) -> User:
    try:
        with current_app.extensions["database"].uow() as work:
            user = accounts.find(work.session, email)
            return change(work, OPERATOR, user.id or 0)
    except DomainError as error:
        raise click.ClickException(str(error)) from error


@click.command("disable-user")
@click.argument("email")
@with_appcontext
def disable_user(email: str) -> None:
    """Stop an account signing in and end every session it has at once (audited)."""
    _change(email, accounts.disable)
    click.echo(f"Disabled {email}; its sessions have ended.")


@click.command("enable-user")
@click.argument("email")
@with_appcontext
def enable_user(email: str) -> None:
    """Let a disabled account sign in again (audited)."""
    _change(email, accounts.enable)
    click.echo(f"Enabled {email}.")


@click.command("unlock-user")
@click.argument("email")
@with_appcontext
def unlock_user(email: str) -> None:
    """Clear a sign-in lockout (audited)."""
    _change(email, accounts.unlock)
    click.echo(f"Unlocked {email}.")


@click.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@with_appcontext
def set_role(email: str, role: str) -> None:
    """Change a role (audited); a case-reading role waits for approval at /accounts."""
    user = _change(email, lambda work, who, uid: accounts.request_role(work, who, uid, Role(role)))
    if user.pending_role is not None:
        click.echo(
            f"{email}: {role} waits for an administrator or manager to approve it at /accounts."
        )
    else:
        click.echo(f"{email} is now {role}.")


@click.command("reset-password")
@click.argument("email")
@with_appcontext
def reset_password(email: str) -> None:
    """Stop the password and sessions; mail a one-time set-up link (72 h) to the account."""
    base_url = current_app.config["BASE_URL"]
    _change(email, lambda work, who, uid: accounts.reset_password(work, who, uid, base_url))
    click.echo(f"A set-up link, valid for 72 hours, is in the outbox for {email}.")


@click.command("reset-two-factor")
@click.argument("email")
@with_appcontext
def reset_two_factor(email: str) -> None:
    """Take away a lost second factor and end every session; it is set up again (audited)."""
    _change(email, two_factor.reset)
    click.echo(f"Two-factor sign-in reset for {email}; its sessions have ended.")


COMMANDS = [
    create_user,
    create_first_admin,
    disable_user,
    enable_user,
    unlock_user,
    set_role,
    reset_password,
    reset_two_factor,
]
