"""Fixtures shared by every test: a real database built by the real migrations, the app, users.

Each test runs inside a transaction on one connection and is rolled back at the end; the code under
test commits to a savepoint (warehouse's pattern), so tests see exactly what the code wrote.
"""

import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from commands.db import upgrade
from tests.support.postgres import ADMIN_URL, create_database, drop_database
from workflow.store.db import Database, make_engine

pytest_plugins = ["tests.support.plugin"]


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[sa.Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def database(engine: sa.Engine, database_url: str) -> Iterator[Database]:
    with engine.connect() as connection:
        outer = connection.begin()
        yield Database(database_url, connection)
        outer.rollback()


@pytest.fixture
def app(database: Database, database_url: str, tmp_path) -> Flask:  # type: ignore[no-untyped-def]
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "TESTING": True,
        }
    )
    app.extensions["database"] = database
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def committed_database(db_backend: str, tmp_path) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    """A fresh, migrated database whose commits are real: for races between connections."""
    if db_backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'committed.sqlite3'}"
        upgrade(url)
        database = Database(url)
        yield database
        database.bind.dispose()  # type: ignore[union-attr]
        return
    admin_url = os.environ.get("TEST_PG_ADMIN_URL", ADMIN_URL)
    url = create_database(admin_url)
    try:
        upgrade(url)
        database = Database(url)
        yield database
        database.bind.dispose()  # type: ignore[union-attr]
    finally:
        drop_database(admin_url, url)
