"""`flask db upgrade|check|downgrade`: the schema, migrated by Alembic on SQLite or PostgreSQL."""

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import with_appcontext

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    """Return an Alembic configuration for the database at `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` to `revision`, creating a SQLite folder when needed."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)


@click.group("db")
def group() -> None:
    """Create and migrate the database schema."""


@group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade_command(revision: str) -> None:
    """Migrate the database to the latest schema (or REVISION)."""
    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo("Database is up to date.")


@group.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision: str) -> None:
    """Step the schema back to REVISION (e.g. base)."""
    command.downgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)


@group.command("check")
@with_appcontext
def check_command() -> None:
    """Fail when the models and the migrations disagree."""
    command.check(alembic_config(current_app.config["DATABASE_URL"]))
    click.echo("No differences between the models and the migrations.")


@group.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def revision_command(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    command.revision(
        alembic_config(current_app.config["DATABASE_URL"]), message=message, autogenerate=True
    )


def migration_heads() -> set[str]:
    """Return the revisions a fully migrated database is at (read from migrations/, no database)."""
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())
