"""`flask poll-mailbox` and `flask ingest-eml FILE…` (docs/contract.md)."""

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from mailbox.ingest import IngestConfig, ingest
from mailbox.poller import poll_once
from workflow.actors import Actor
from workflow.store.db import Database


def _database() -> Database:
    database: Database = current_app.extensions["database"]
    return database


@click.command("poll-mailbox")
@with_appcontext
def poll_mailbox() -> None:
    """Run one mailbox polling cycle, then exit, printing a one-line summary."""
    report = poll_once(_database(), current_app.config)
    click.echo(report.summary())
    if report.error:
        sys.exit(1)


@click.command("ingest-eml")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@with_appcontext
def ingest_eml(files: tuple[str, ...]) -> None:
    """Take saved messages as if they had arrived in the mailbox, in the order given."""
    config = IngestConfig.from_settings(current_app.config)
    actor = Actor.system("ingest-eml")
    failed = False
    for path in files:
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError as exc:
            click.echo(f"ingest-eml: cannot read {path}: {exc.strerror}", err=True)
            failed = True
            continue
        try:
            settled, arrived = ingest(_database(), raw, config, actor, channel="cli")
        except Exception as exc:  # by type only: the error may quote the message's contents
            click.echo(f"ingest-eml: {path} was not taken ({type(exc).__name__})", err=True)
            failed = True
            continue
        line = {
            "file": path,
            "message_id": arrived.message_id or None,
            "disposition": settled.disposition.value,
            "reference": settled.reference,
        }
        click.echo(json.dumps(line, ensure_ascii=False))
    if failed:
        sys.exit(1)


COMMANDS = [poll_mailbox, ingest_eml]
