"""Alembic environment: the URL comes from the app's settings via commands/db.py."""

from alembic import context
from sqlalchemy import engine_from_config, pool
from sqlmodel import SQLModel

import workflow.meetings.models  # the MARAC meeting tables (issue 18)
import workflow.models  # noqa: F401  (registers every table in SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section) or {},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as connection:
        _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    # render_as_batch lets SQLite alter tables by copy-and-move.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
