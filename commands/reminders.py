"""`flask send-reminders [--now ISO-8601]` and `flask send-outbox` (docs/contract.md)."""

import sys
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

import config
from mailbox.outbound import send_pending
from workflow.deadlines.reminders import ReminderSettings, send_reminders
from workflow.deadlines.working_time import LONDON
from workflow.models import utcnow
from workflow.store import lease
from workflow.store.db import Database


def _database() -> Database:
    database: Database = current_app.extensions["database"]
    return database


def parse_instant(value: str) -> datetime:
    """Read an ISO-8601 instant; one without an offset is London time, as operators mean it."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO-8601 date and time.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    return moment.astimezone(UTC)


@click.command("send-reminders")
@click.option("--now", "now", default=None, help="Run as of this ISO-8601 instant.")
@with_appcontext
def send_reminders_command(now: str | None) -> None:
    """Run the overdue-reminder job once; running it twice sends nothing twice."""
    instant = parse_instant(now) if now else utcnow()
    settings = ReminderSettings.from_settings(current_app.config)
    policy = config.policy(current_app.config)
    database = _database()
    with database.uow() as uow:  # the queue's "reminders last ran" counts operators' runs too
        lease.job_started(uow.session, "send-reminders", "flask send-reminders", utcnow())
        uow.commit()
    report = send_reminders(database, instant, settings, policy)
    with database.uow() as uow:
        lease.job_finished(uow.session, "send-reminders", utcnow(), report.counts())
        uow.commit()
    click.echo(report.summary())


@click.command("send-outbox")
@with_appcontext
def send_outbox_command() -> None:
    """Send what is waiting in the outbox once, then exit."""
    report = send_pending(_database(), current_app.config)
    click.echo(report.summary())
    if report.error:
        sys.exit(1)


COMMANDS = [send_reminders_command, send_outbox_command]
