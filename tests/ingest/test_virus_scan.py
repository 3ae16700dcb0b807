"""An optional ClamAV scan on arrival (CLAMD_SOCKET): its verdict on the message's page; a finding
quarantines the message; without a scanner the page says the message was not scanned."""

from __future__ import annotations

from flask.testing import FlaskClient

from mailbox.clamav import NOT_CONFIGURED, scan
from mailbox.ingest import IngestConfig, ingest
from tests.factories import make_user
from tests.ingest.support import message, recorded
from tests.support.clamd import EICAR, FakeClamd
from tests.web.pages import sign_in
from workflow.actors import Actor
from workflow.models.mail import Disposition
from workflow.models.staff import Role
from workflow.store.db import Database


def _ingest(database: Database, raw: bytes, socket_path: str | None) -> Disposition:
    config = IngestConfig(parse_timeout=0, clamd_socket=socket_path)
    settled, _ = ingest(database, raw, config, Actor.system("t"), channel="cli")
    return settled.disposition


def test_a_finding_quarantines_the_message_and_a_clean_one_goes_on(
    database: Database, client: FlaskClient
) -> None:
    infected = message(1, attachments=[("invoice.pdf", EICAR, "application/pdf")])
    with FakeClamd() as clamd:
        assert _ingest(database, infected, clamd.path) is Disposition.QUARANTINE
        assert _ingest(database, message(2), clamd.path) is Disposition.REFERRAL
        assert clamd.scans == 2
    bad, good = recorded(database)
    assert bad.virus_scan == "found: Eicar-Test-Signature"
    assert bad.reason.startswith("The virus scanner found Eicar-Test-Signature")
    assert good.virus_scan == "clean"
    make_user(database, Role.COORDINATOR, "coordinator@example.org")
    sign_in(client, "coordinator@example.org")
    page = client.get(f"/intake/messages/{bad.id}").get_data(as_text=True)
    assert "Virus scan" in page and "found: Eicar-Test-Signature" in page


def test_without_a_scanner_the_page_says_not_scanned(
    database: Database, client: FlaskClient
) -> None:
    assert _ingest(database, message(1), None) is Disposition.REFERRAL
    [row] = recorded(database)
    assert row.virus_scan == NOT_CONFIGURED
    make_user(database, Role.COORDINATOR, "coordinator@example.org")
    sign_in(client, "coordinator@example.org")
    assert "not scanned" in client.get(f"/intake/messages/{row.id}").get_data(as_text=True)


def test_a_scanner_that_cannot_be_reached_never_stops_a_message(database: Database) -> None:
    assert _ingest(database, message(1), "/nonexistent/clamd.ctl") is Disposition.REFERRAL
    [row] = recorded(database)
    assert row.virus_scan.startswith("not scanned: the virus scanner could not be reached")
    assert scan("", b"x") == NOT_CONFIGURED


def test_the_original_from_an_unknown_sender_is_offered_only_after_a_warning(
    database: Database, client: FlaskClient
) -> None:
    stranger = message(1, sender="someone <someone.unknown@gmail.com>", attachments=[])
    _ingest(database, stranger, None)
    _ingest(database, message(2), None)
    unknown, known = recorded(database)
    make_user(database, Role.COORDINATOR, "coordinator@example.org")
    sign_in(client, "coordinator@example.org")
    page = client.get(f"/intake/messages/{unknown.id}").get_data(as_text=True)
    assert "This came from an address we do not know" in page
    assert "I understand the risk" in page
    page = client.get(f"/intake/messages/{known.id}").get_data(as_text=True)
    assert "address we do not know" not in page and "Download the original message" in page


def test_a_quarantined_message_shows_a_safe_text_preview(
    database: Database, client: FlaskClient
) -> None:
    body = "Please call me <script>alert(1)</script>\u202e about Vera.\x07"
    _ingest(database, message(1, attachments=[], body=body), None)
    [row] = recorded(database)
    assert row.disposition is Disposition.QUARANTINE
    make_user(database, Role.COORDINATOR, "coordinator@example.org")
    sign_in(client, "coordinator@example.org")
    page = client.get(f"/intake/messages/{row.id}").get_data(as_text=True)
    assert "What the message says" in page and "Please call me" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "\u202e" not in page and "\x07" not in page
