"""`flask db upgrade|check|downgrade`: the schema, migrated by Alembic on SQLite or PostgreSQL."""

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import with_appcontext

from workflow.store.db import make_engine
from workflow.store.db_roles import grant_app_role

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    """Return an Alembic configuration for the database at `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head", app_role: str = "") -> None:
    """Migrate the database at `url` to `revision`, creating a SQLite folder when needed.

    With `app_role` (PostgreSQL), grant that role what the app needs afterwards: `url` is the
    owner's, and the app connects as the other role (workflow/store/db_roles.py).
    """
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)
    if app_role and not url.startswith("sqlite"):
        engine = make_engine(url)
        try:
            with engine.begin() as connection:
                grant_app_role(connection, app_role)
        finally:
            engine.dispose()


def migration_url() -> str:
    """The URL migrations run with: the tables' owner (MIGRATION_DATABASE_URL), else the app's."""
    config = current_app.config
    return str(config.get("MIGRATION_DATABASE_URL") or config["DATABASE_URL"])


@click.group("db")
def group() -> None:
    """Create and migrate the database schema."""


@group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade_command(revision: str) -> None:
    """Migrate the database to the latest schema (or REVISION)."""
    app_role = current_app.config.get("DATABASE_APP_ROLE") or ""
    upgrade(migration_url(), revision, app_role)
    click.echo("Database is up to date." + (f" Role {app_role} granted." if app_role else ""))


@group.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision: str) -> None:
    """Step the schema back to REVISION (e.g. base)."""
    command.downgrade(alembic_config(migration_url()), revision)


@group.command("check")
@with_appcontext
def check_command() -> None:
    """Fail when the models and the migrations disagree."""
    command.check(alembic_config(migration_url()))
    click.echo("No differences between the models and the migrations.")


@group.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def revision_command(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    command.revision(alembic_config(migration_url()), message=message, autogenerate=True)


def migration_heads() -> set[str]:
    """Return the revisions a fully migrated database is at (read from migrations/, no database)."""
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())
