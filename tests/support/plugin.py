"""pytest plugin: the --db option and fixtures for the real servers the tests use.

Loaded from tests/conftest.py with `pytest_plugins = ["tests.support.plugin"]`.

Fixtures (a conftest fixture of the same name overrides one of these):
  db_backend     "sqlite" or "postgresql", from --db
  database_url   session-wide SQLAlchemy URL: a SQLite file in a temp dir, or for postgresql
                 $TEST_DATABASE_URL (scripts/test makes one per run), else a throwaway database
                 created on $TEST_PG_ADMIN_URL (default postgres@127.0.0.1:5432) and dropped after
  dovecot        a fresh real Dovecot per test (DovecotServer: host, port, user, password, env())
  smtp_server    a fresh in-process SMTP server per test (SmtpServer: messages, refuse, stop/start)
  chromium       one headless Debian Chromium per session (playwright Browser)
  page           a new browser context and page per test
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.browser import launch_chromium
from tests.support.dovecot import DovecotServer
from tests.support.postgres import ADMIN_URL, create_database, drop_database
from tests.support.smtp import SmtpServer

DB_CHOICES = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=DB_CHOICES,
        default="sqlite",
        help="database backend for the tests (default: sqlite)",
    )
    parser.addoption(
        "--only-database-tests",
        action="store_true",
        help="deselect the tests that never reach the database (no db_backend among their "
        "fixtures): scripts/test gives it to the PostgreSQL pass when the SQLite pass runs them",
    )


# The fixture every database fixture rests on: a test without it in its closure cannot behave
# differently on another backend, so running it again there only costs time.
DATABASE_ROOT = "db_backend"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--only-database-tests"):
        return
    keep, drop = [], []
    for item in items:
        names = getattr(item, "fixturenames", ())
        (keep if DATABASE_ROOT in names else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def db_backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.config.getoption("--db")
    return backend


@pytest.fixture(scope="session")
def database_url(db_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"]
        return
    admin_url = os.environ.get("TEST_PG_ADMIN_URL", ADMIN_URL)
    url = create_database(admin_url)
    try:
        yield url
    finally:
        drop_database(admin_url, url)


@pytest.fixture
def dovecot() -> Iterator[DovecotServer]:
    with DovecotServer() as server:
        yield server


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()
