"""`flask export-referrals`: every referral as one JSON line, for operators and acceptance."""

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from workflow.actors import Actor
from workflow.referrals.export import referral_records
from workflow.store import audit


@click.command("export-referrals")
@with_appcontext
def export_referrals() -> None:
    """Print every referral as one JSON line (the export is audited)."""
    with current_app.extensions["database"].uow() as work:
        count = 0
        for record in referral_records(work.session):
            click.echo(json.dumps(record, default=str, ensure_ascii=False))
            count += 1
        audit.record(work.session, Actor.system("cli"), "export", "referral", None, f"{count}")
        work.commit()


COMMANDS = [export_referrals]
