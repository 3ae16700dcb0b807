"""The poll lease and the poll summary tell the truth: a dead holder's lease is taken at once,
each message is counted once, and a failed cycle does not claim to know what is left."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta

import pytest

from mailbox.poller import OWNER, holder_dead, poll_once
from tests.ingest.support import deliver, folder_ids, message, settings
from tests.support.dovecot import DovecotServer
from tests.support.net import free_port
from workflow.inbound import mailbox_health
from workflow.models import utcnow
from workflow.store.db import Database

pytestmark = pytest.mark.imap


def _finished_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: the pid names no process now
    return child.pid


def _hold_lease(database: Database, owner: str) -> None:
    with database.uow() as uow:
        row = mailbox_health.status(uow.session)
        row.lease_until, row.lease_owner = utcnow() + timedelta(minutes=5), owner
        uow.commit()


def test_a_killed_cycles_lease_is_taken_at_once(database: Database, dovecot: DovecotServer) -> None:
    deliver(dovecot, message(1))
    _hold_lease(database, f"{socket.gethostname()}:{_finished_pid()}")
    report = poll_once(database, settings(dovecot))
    assert (report.skipped, report.error, report.moved) == ("", "", 1)
    with database.uow() as uow:
        row = mailbox_health.status(uow.session)
        assert row.lease_until is None and row.lease_owner == OWNER


def test_a_live_holders_lease_is_respected(database: Database, dovecot: DovecotServer) -> None:
    deliver(dovecot, message(1))
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as alive:
        try:
            _hold_lease(database, f"{socket.gethostname()}:{alive.pid}")
            report = poll_once(database, settings(dovecot))
        finally:
            alive.kill()
    assert report.skipped == "another polling cycle is running"
    _hold_lease(database, f"another-host.example:{_finished_pid()}")  # cannot be checked
    assert poll_once(database, settings(dovecot)).skipped
    assert folder_ids(dovecot, "INBOX") != []


def test_holder_dead_judges_only_processes_on_this_host() -> None:
    assert holder_dead(f"{socket.gethostname()}:{_finished_pid()}")
    assert not holder_dead(OWNER)
    assert not holder_dead("elsewhere:1") and not holder_dead("garbage")


def test_a_reconnect_counts_each_message_once(database: Database, dovecot: DovecotServer) -> None:
    deliver(dovecot, message(1), message(2))
    dropped = []

    def drop_once_before_the_move(step: str) -> None:
        if step == "before_move" and not dropped:
            dropped.append(step)
            raise ConnectionResetError("dropped")

    report = poll_once(database, settings(dovecot), checkpoint=drop_once_before_the_move)
    assert dropped and report.error == ""
    assert (report.fetched, report.new, report.moved, report.left) == (2, 2, 2, 0)
    assert report.dispositions == {"referral": 2}


def test_a_failed_cycle_does_not_claim_to_know_what_is_left(database: Database) -> None:
    closed = {"IMAP_HOST": "127.0.0.1", "IMAP_PORT": free_port(), "IMAP_USERNAME": "u"}
    report = poll_once(database, {**closed, "IMAP_SECURITY": "none", "IMAP_RETRY_DELAYS": ()})
    assert report.error and report.left is None
    assert "what is left in the mailbox is not known" in report.summary()
    assert "0 left" not in report.summary()
