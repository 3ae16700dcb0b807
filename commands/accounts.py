"""Staff accounts from the command line."""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from workflow import staff
from workflow.actors import Actor
from workflow.errors import DomainError
from workflow.models.staff import Role

OPERATOR = Actor.system("cli")


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
            staff.create_user(work, OPERATOR, email, Role(role), _read_password(), name)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {email} ({role}). They must change the password at first sign-in.")


@click.command("create-first-admin")
@click.option("--email", default="admin@localhost", show_default=True)
@with_appcontext
def create_first_admin(email: str) -> None:
    """Create an administrator when there is none, printing its one-time password once."""
    with current_app.extensions["database"].uow() as work:
        if staff.has_admin(work):
            click.echo("An administrator account exists already; nothing to do.")
            return
        password = staff.generate_password()
        staff.create_user(work, OPERATOR, email, Role.ADMIN, password, "Administrator")
    click.echo(
        f"\nFirst administrator: {email}\nOne-time password: {password}\n"
        "This is shown once. Sign in and you will be asked to change it.\n"
    )


COMMANDS = [create_user, create_first_admin]
