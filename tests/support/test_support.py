"""Smoke tests: each real server the suite relies on starts, answers and stops cleanly."""

from __future__ import annotations

import os
import smtplib
import urllib.request

import psycopg
import pytest
from flask import Flask
from imapclient import IMAPClient
from playwright.sync_api import Page

from tests.support.browser import check_axe, serve_app
from tests.support.dovecot import DovecotServer
from tests.support.postgres import ADMIN_URL, _libpq, create_database, drop_database
from tests.support.smtp import SmtpServer

MESSAGE = (
    b"From: referrer@example.org\r\nTo: referrals@example.org\r\n"
    b"Message-ID: <smoke-1@example.org>\r\nSubject: Smoke test\r\n\r\nHello.\r\n"
)


@pytest.mark.imap
def test_dovecot_append_fetch_move(dovecot: DovecotServer) -> None:
    with IMAPClient(dovecot.host, port=dovecot.port, ssl=False) as client:
        client.login(dovecot.user, dovecot.password)
        assert {b"MOVE", b"UIDPLUS"} <= set(client.capabilities())
        client.create_folder("Processed")
        client.append("INBOX", MESSAGE)
        client.select_folder("INBOX")
        [uid] = client.search(["ALL"])
        assert client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"] == MESSAGE
        client.move([uid], "Processed")
        assert client.search(["ALL"]) == []
        client.select_folder("Processed")
        assert len(client.search(["HEADER", "Message-ID", "<smoke-1@example.org>"])) == 1


def test_smtp_receives_refuses_and_restarts(smtp_server: SmtpServer) -> None:
    def send(subject: str) -> None:
        with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=10) as client:
            client.sendmail("desk@example.org", ["idva@example.org"], f"Subject: {subject}\r\n\r\n")

    send("one")
    assert smtp_server.messages[0].rcpt_tos == ["idva@example.org"]
    assert smtp_server.messages[0].message["Subject"] == "one"

    smtp_server.refuse("451 4.3.0 Try again later")
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send("two")
    assert refused.value.smtp_code == 451
    smtp_server.refuse(None)

    smtp_server.stop()
    with pytest.raises(OSError):
        send("three")
    smtp_server.start()
    send("four")
    assert [m.message["Subject"] for m in smtp_server.messages] == ["one", "four"]


@pytest.mark.browser
def test_chromium_runs_axe_on_an_accessible_page(page: Page) -> None:
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Smoke</title></head>'
        "<body><main><h1>Referral desk</h1><p>Nothing to see.</p></main></body></html>"
    )
    check_axe(page)


@pytest.mark.browser
def test_axe_reports_violations_readably(page: Page) -> None:
    page.goto("data:text/html,<html><body><img src='x.png'></body></html>")
    with pytest.raises(AssertionError, match=r"image-alt.*\n.*img"):
        check_axe(page)


@pytest.mark.browser
def test_serve_app_serves_flask_to_chromium(page: Page) -> None:
    app = Flask(__name__)

    @app.get("/")
    def index() -> str:
        return '<!doctype html><html lang="en"><title>Served</title><main><h1>Hi</h1></main>'

    with serve_app(app) as base_url:
        with urllib.request.urlopen(base_url + "/") as response:
            assert response.status == 200
        page.goto(base_url + "/")
        assert page.title() == "Served"
        check_axe(page)


def test_postgres_create_connect_drop() -> None:
    admin_url = os.environ.get("TEST_PG_ADMIN_URL", ADMIN_URL)
    url = create_database(admin_url)
    try:
        with psycopg.connect(_libpq(url)) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == (url.rsplit("/", 1)[1],)
    finally:
        drop_database(admin_url, url)
    with pytest.raises(psycopg.OperationalError), psycopg.connect(_libpq(url), connect_timeout=5):
        pass


def test_postgres_unreachable_is_loud() -> None:
    with pytest.raises(RuntimeError, match=r"(?s)not reachable.*pg_ctlcluster"):
        create_database("postgresql+psycopg://postgres@127.0.0.1:1/postgres")


def test_dovecot_missing_binary_is_loud(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tests.support.dovecot.DOVECOT", "/nonexistent/dovecot")
    with pytest.raises(RuntimeError, match="apt-get install -y dovecot-imapd"):
        DovecotServer()


def test_database_url_matches_db_option(db_backend: str, database_url: str) -> None:
    assert database_url.startswith({"sqlite": "sqlite:", "postgresql": "postgresql"}[db_backend])


class _Item:
    def __init__(self, *fixtures: str) -> None:
        self.fixturenames = list(fixtures)


class _Config:
    def __init__(self, only: bool) -> None:
        self.only = only
        self.deselected: list[_Item] = []

        class Hook:
            @staticmethod
            def pytest_deselected(items: list[_Item]) -> None:
                self.deselected.extend(items)

        self.hook = Hook()

    def getoption(self, name: str) -> bool:
        assert name == "--only-database-tests"
        return self.only


@pytest.mark.parametrize("only", [False, True])
def test_the_postgresql_pass_leaves_out_only_tests_that_never_reach_the_database(
    only: bool,
) -> None:
    from tests.support.plugin import pytest_collection_modifyitems

    reading, queue, browser = (
        _Item("tmp_path"),
        _Item("db_backend", "app"),
        _Item("page", "db_backend"),
    )
    items = [reading, queue, browser]
    config = _Config(only)
    pytest_collection_modifyitems(config, items)  # type: ignore[arg-type]
    assert items == ([queue, browser] if only else [reading, queue, browser])
    assert config.deselected == ([reading] if only else [])
