"""Mail and scheduling commands."""

import click
from flask.cli import with_appcontext

from commands import parse_email


@click.command("run-scheduler")
@with_appcontext
def run_scheduler() -> None:
    """Run the one scheduler process (mailbox polling, reminders, outbox sending)."""
    from scheduler import run_forever

    run_forever()


COMMANDS = [run_scheduler, parse_email.command]
