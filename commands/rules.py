"""`flask reapply-rules`: bring open referrals' rule outcomes up to date after a rule change."""

import click
from flask import current_app
from flask.cli import with_appcontext

import config
from workflow.actors import Actor
from workflow.assessment.reapplying import reapply_rules

OPERATOR = Actor.system("cli")


@click.command("reapply-rules")
@with_appcontext
def reapply_rules_command() -> None:
    """Re-run the rules on every open referral; name those whose consent check needs a person."""
    policy = config.policy(current_app.config)
    with current_app.extensions["database"].uow() as work:
        report = reapply_rules(work, OPERATOR, policy)
    for reference in report.review_consent:
        click.echo(
            f"{reference}: proceeded without consent on a MARAC criterion it no longer meets; "
            "review the consent decision."
        )
    click.echo(report.summary())


COMMANDS = [reapply_rules_command]
