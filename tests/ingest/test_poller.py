"""The poller against a real Dovecot: drain, move, never delete; failures logged, retried, shown."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path

import pytest

from mailbox.ingest import arrival, store
from mailbox.poller import MailboxSettings, poll_once
from tests.ingest.support import (
    DroppingProxy,
    SilentServer,
    deliver,
    folder_ids,
    hostile_messages,
    imap,
    message,
    msgid,
    outbox,
    recorded,
    referrals,
    settings,
)
from tests.support.dovecot import DovecotServer
from tests.support.net import free_port
from workflow.inbound import mailbox_health
from workflow.models import InboundMessage, MailboxFolder, utcnow
from workflow.models.mail import Disposition
from workflow.store.db import Database

pytestmark = pytest.mark.imap


def _health(database: Database) -> mailbox_health.MailboxHealth:
    with database.uow() as uow:
        return mailbox_health.health(uow.session)


def test_a_cycle_stores_settles_and_moves_every_message(
    database: Database, dovecot: DovecotServer
) -> None:
    deliver(dovecot, message(1), message(2), message(3, attachments=[]))
    report = poll_once(database, settings(dovecot))
    assert (report.fetched, report.new, report.moved, report.left) == (3, 3, 3, 0)
    assert report.dispositions == {"referral": 2, "quarantine": 1}
    assert folder_ids(dovecot, "INBOX") == []
    assert folder_ids(dovecot, "Processed") == [msgid(1), msgid(2)]
    assert folder_ids(dovecot, "Quarantine") == [msgid(3)]
    rows = recorded(database)
    assert [r.disposition for r in rows] == ["referral", "referral", "quarantine"]
    assert all(r.channel == "imap" and r.uid and r.uidvalidity for r in rows)
    assert [o.kind for o in outbox(database)] == ["acknowledgement", "acknowledgement"]
    assert "2 referral" in report.summary() and "1 quarantine" in report.summary()


def test_fetching_leaves_mail_unseen_and_nothing_is_deleted(
    database: Database, dovecot: DovecotServer
) -> None:
    deliver(dovecot, message(1))
    poll_once(database, settings(dovecot))
    with imap(dovecot) as client:
        client.select_folder("Processed", readonly=True)
        [uid] = client.search(["ALL"])
        assert b"\\Seen" not in client.get_flags([uid])[uid]
        assert b"\\Deleted" not in client.get_flags([uid])[uid]


def test_the_stored_raw_message_is_exactly_what_the_server_holds(
    database: Database, dovecot: DovecotServer
) -> None:
    deliver(dovecot, message(1))
    with imap(dovecot) as client:
        client.select_folder("INBOX", readonly=True)
        [uid] = client.search(["ALL"])
        on_server = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
    poll_once(database, settings(dovecot))
    [row] = recorded(database)
    assert row.raw == on_server
    assert row.message_id == msgid(1)


def test_a_second_cycle_finds_nothing_new(database: Database, dovecot: DovecotServer) -> None:
    deliver(dovecot, message(1))
    poll_once(database, settings(dovecot))
    again = poll_once(database, settings(dovecot))
    assert (again.fetched, again.moved, again.error) == (0, 0, "")
    assert len(recorded(database)) == 1


def test_uidvalidity_is_kept_per_folder(database: Database, dovecot: DovecotServer) -> None:
    deliver(dovecot, message(1))
    poll_once(database, settings(dovecot))
    with imap(dovecot) as client:
        expected = client.select_folder("INBOX")[b"UIDVALIDITY"]
    with database.uow() as uow:
        folder = uow.session.get(MailboxFolder, "INBOX")
        assert folder is not None
        assert (folder.uidvalidity, folder.last_uid) == (expected, 1)


def test_a_renumbered_folder_is_read_again_without_recording_twice(
    database: Database, dovecot: DovecotServer
) -> None:
    # Message 1 was recorded and settled, but the cycle died before moving it; then the server
    # renumbered the folder (a restored backup, a migrated server): new UIDVALIDITY, new UIDs.
    deliver(dovecot, message(1))
    crash = RuntimeError("stop before the move")

    def die_before_move(step: str) -> None:
        if step == "before_move":
            raise crash

    quick = settings(dovecot, IMAP_RETRY_DELAYS=(), IMAP_BACKOFF_SECONDS=0.001)
    poll_once(database, quick, checkpoint=die_before_move)
    assert folder_ids(dovecot, "INBOX") == [msgid(1)]
    with imap(dovecot) as client:
        old = client.select_folder("INBOX")[b"UIDVALIDITY"]
    _renumber_inbox(dovecot)
    deliver(dovecot, message(2))
    with imap(dovecot) as client:
        assert client.select_folder("INBOX")[b"UIDVALIDITY"] != old
    report = poll_once(database, settings(dovecot))
    assert report.uidvalidity_changed and report.error == ""
    assert folder_ids(dovecot, "INBOX") == []
    assert folder_ids(dovecot, "Processed") == [msgid(1), msgid(2)]
    assert [r.message_id for r in recorded(database)] == [msgid(1), msgid(2)]
    assert len(referrals(database)) == 2


def _renumber_inbox(server: DovecotServer) -> None:
    """Make Dovecot forget the INBOX's UIDs, as after a restore: it gives a new UIDVALIDITY."""
    assert server.root is not None
    maildir = server.root / "mail" / server.user
    time.sleep(1.1)  # UIDVALIDITY is a timestamp: make sure the new one differs
    for name in ("dovecot-uidlist", "dovecot.index", "dovecot.index.log", "dovecot.index.cache"):
        (maildir / name).unlink(missing_ok=True)
    for index in maildir.glob("dovecot.list.index*"):
        index.unlink()


def test_hostile_and_broken_messages_are_quarantined_with_reason_and_kept(
    database: Database, dovecot: DovecotServer
) -> None:
    hostile = hostile_messages()
    deliver(dovecot, *hostile.values())
    report = poll_once(database, settings(dovecot))
    assert report.error == ""
    rows = recorded(database)
    assert [r.disposition for r in rows] == [Disposition.QUARANTINE] * len(hostile)
    reasons = dict(zip(hostile, (r.reason for r in rows), strict=True))
    assert "DTD" in reasons["xxe"]
    assert "inflate" in reasons["zip bomb"]
    assert "big.pdf" in reasons["oversize"]
    assert reasons["broken MIME"]
    assert all(r.raw for r in rows)
    assert len(folder_ids(dovecot, "Quarantine")) == len(hostile)
    assert _health(database).quarantined == len(hostile)


def test_polling_is_off_without_a_mailbox(database: Database) -> None:
    report = poll_once(database, {"IMAP_HOST": None})
    assert report.skipped.startswith("polling is off")
    assert "skipped" in report.summary()


def test_tls_is_the_default_and_a_plain_server_is_refused(
    database: Database, dovecot: DovecotServer, caplog: pytest.LogCaptureFixture
) -> None:
    assert MailboxSettings.from_settings({"IMAP_HOST": "imap.example.org"}).security == "ssl"
    deliver(dovecot, message(1))
    report = poll_once(database, settings(dovecot, IMAP_SECURITY="ssl", IMAP_RETRY_DELAYS=()))
    assert "TLS" in report.error or "lost" in report.error
    assert folder_ids(dovecot, "INBOX") == [msgid(1)]
    assert recorded(database) == []


def test_a_password_is_never_sent_in_clear_to_another_host(database: Database) -> None:
    plain = {"IMAP_HOST": "imap.example.org", "IMAP_USERNAME": "u", "IMAP_SECURITY": "none"}
    report = poll_once(database, {**plain, "IMAP_RETRY_DELAYS": ()})
    assert report.error == "IMAP_SECURITY=none is allowed only for a loopback host."


def test_a_refused_login_is_logged_backed_off_and_shown(
    database: Database, dovecot: DovecotServer, caplog: pytest.LogCaptureFixture
) -> None:
    deliver(dovecot, message(1))
    caplog.set_level(logging.INFO, logger="mailbox.poller")
    report = poll_once(database, settings(dovecot, IMAP_PASSWORD="wrong"))
    assert "refused the login" in report.error
    assert "refused the login" in caplog.text
    health = _health(database)
    assert health.last_error == report.error
    assert health.failures == 1 and health.retry_at is not None
    # The next tick comes before the back-off has passed: it does not even connect.
    assert poll_once(database, settings(dovecot)).skipped.startswith("backing off")
    assert recorded(database) == []


def test_back_off_doubles_and_a_success_clears_the_error(
    database: Database, dovecot: DovecotServer
) -> None:
    nobody_there = settings(
        dovecot, IMAP_PORT=free_port(), IMAP_BACKOFF_SECONDS=0.001, IMAP_RETRY_DELAYS=()
    )
    for _ in range(3):
        poll_once(database, nobody_there)
        time.sleep(0.01)
    health = _health(database)
    assert health.failures == 3 and health.last_error
    assert health.retry_at and health.last_error_at
    assert (health.retry_at - health.last_error_at).total_seconds() == pytest.approx(0.004)
    deliver(dovecot, message(1))
    assert poll_once(database, settings(dovecot)).error == ""
    health = _health(database)
    assert health.last_error is None and health.failures == 0
    assert health.last_success_at is not None and health.waiting == 0


def test_a_server_that_is_down_is_retried_then_recorded(
    database: Database, dovecot: DovecotServer, caplog: pytest.LogCaptureFixture
) -> None:
    port = dovecot.port
    dovecot.stop()
    caplog.set_level(logging.WARNING, logger="mailbox.poller")
    report = poll_once(database, {**settings(dovecot), "IMAP_PORT": port})
    assert "refused the connection" in report.error
    assert caplog.text.count("Retrying") == 2
    assert _health(database).last_error == report.error


def test_a_server_that_never_answers_times_out(database: Database, dovecot: DovecotServer) -> None:
    silent = SilentServer()
    try:
        start = time.monotonic()
        report = poll_once(
            database,
            settings(
                dovecot, IMAP_PORT=silent.port, IMAP_TIMEOUT_SECONDS=0.3, IMAP_RETRY_DELAYS=()
            ),
        )
    finally:
        silent.close()
    assert "did not answer in time" in report.error
    assert time.monotonic() - start < 5


def test_a_dropped_connection_is_retried_and_each_message_recorded_once(
    database: Database, dovecot: DovecotServer, caplog: pytest.LogCaptureFixture
) -> None:
    deliver(dovecot, *(message(n) for n in range(1, 6)))
    # Cut the first connection part-way through the FETCH of the five messages.
    proxy = DroppingProxy((dovecot.host, dovecot.port), drop_after=40_000)
    caplog.set_level(logging.WARNING, logger="mailbox.poller")
    try:
        report = poll_once(database, settings(dovecot, IMAP_PORT=proxy.port))
    finally:
        proxy.close()
    assert proxy.connections == 2
    assert "connection to the mailbox was lost" in caplog.text
    assert report.error == ""
    assert [r.message_id for r in recorded(database)] == [msgid(n) for n in range(1, 6)]
    assert folder_ids(dovecot, "Processed") == sorted(msgid(n) for n in range(1, 6))
    assert len(referrals(database)) == 5


def test_a_second_poller_waits_for_the_first(database: Database, dovecot: DovecotServer) -> None:
    deliver(dovecot, message(1))
    seen: list[str] = []

    def nested(step: str) -> None:
        if step == "stored" and not seen:
            seen.append(poll_once(database, settings(dovecot)).skipped)

    poll_once(database, settings(dovecot), checkpoint=nested)
    assert seen == ["another polling cycle is running"]
    assert len(recorded(database)) == 1


def test_messages_waiting_are_counted(database: Database, dovecot: DovecotServer) -> None:
    deliver(dovecot, *(message(n) for n in range(1, 4)))
    poll_once(database, settings(dovecot, IMAP_BATCH=2), checkpoint=_stop_after_first_batch())
    assert _health(database).waiting == 1  # the third was never reached


def _stop_after_first_batch():  # type: ignore[no-untyped-def]
    calls = []

    def checkpoint(step: str) -> None:
        if step == "fetched":
            calls.append(step)
            if len(calls) == 2:
                raise RuntimeError("the mailbox went away")

    return checkpoint


def test_log_lines_carry_no_message_content(
    database: Database, dovecot: DovecotServer, caplog: pytest.LogCaptureFixture
) -> None:
    deliver(dovecot, message(1, subject="MARAC referral - Vera Victim1"))
    caplog.set_level(logging.DEBUG)
    poll_once(database, settings(dovecot))
    ours = [r.getMessage() for r in caplog.records if r.name.startswith(("mailbox", "workflow"))]
    assert ours
    assert not [line for line in ours if "Vera" in line or "ruth.example" in line]


def test_a_message_left_pending_elsewhere_is_settled_by_the_next_cycle(
    database: Database, dovecot: DovecotServer
) -> None:
    # An upload whose process died between storing and settling: the raw is kept, and pending.
    config = MailboxSettings.from_settings(settings(dovecot)).ingest
    message_id, _ = store(database, arrival(message(1), config, channel="upload"))
    with database.uow() as uow:
        row = uow.session.get(InboundMessage, message_id)
        assert row is not None
        row.received_at = utcnow() - timedelta(hours=1)
        uow.commit()
    report = poll_once(database, settings(dovecot))
    assert report.dispositions == {"referral": 1}
    assert [r.disposition for r in recorded(database)] == [Disposition.REFERRAL]
    assert outbox(database) == []  # an upload is never acknowledged, whoever settles it


def test_without_a_database_the_mail_is_left_where_it_is(
    dovecot: DovecotServer, tmp_path: Path
) -> None:
    deliver(dovecot, message(1))
    nowhere = Database(f"sqlite:///{tmp_path / 'missing' / 'referrals.sqlite3'}")
    report = poll_once(nowhere, settings(dovecot))
    assert report.error == "The database is unavailable (OperationalError)."
    assert folder_ids(dovecot, "INBOX") == [msgid(1)]
