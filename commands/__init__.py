"""Flask CLI commands: the operators' interface in docs/contract.md."""

from flask import Flask

from commands import accounts, db, export, ingest, mail, reminders, rules


def init_app(app: Flask) -> None:
    """Register every command on the app's CLI."""
    app.cli.add_command(db.group)
    for command in (
        *accounts.COMMANDS,
        *export.COMMANDS,
        *ingest.COMMANDS,
        *mail.COMMANDS,
        *reminders.COMMANDS,
        *rules.COMMANDS,
    ):
        app.cli.add_command(command)
