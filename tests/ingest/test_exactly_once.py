"""Crash the poller at every step against a real Dovecot: each message is still recorded once.

The steps: after the FETCH, after the raw messages are stored and committed, after they are
settled, just before a MOVE and just after one (one folder moved, the other not yet). First the
crash is an exception that unwinds the cycle in process; then the process itself dies
(os._exit, no clean-up at all) and a fresh process picks up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from mailbox.poller import STEPS, poll_once
from tests.ingest.support import (
    FREEMAIL,
    deliver,
    folder_ids,
    message,
    msgid,
    outbox,
    recorded,
    referrals,
    settings,
)
from tests.support.dovecot import DovecotServer
from workflow.store.db import Database

pytestmark = pytest.mark.imap
ROOT = Path(__file__).resolve().parents[2]


class Crash(BaseException):
    """Not an Exception: nothing in the poller may catch it, as with a killed process."""


def _mailbox() -> list[bytes]:
    autoreply = message(
        4,
        sender=FREEMAIL,
        attachments=[],
        subject="Automatic reply: away",
        headers={"Auto-Submitted": "auto-replied"},
    )
    resend = b"Received: from relay.example.org by mx.example.org; Mon, 9 Mar 2026\r\n" + message(1)
    return [message(1), message(2), message(3, attachments=[]), autoreply, resend]


def _check_exactly_once(database: Database, dovecot: DovecotServer) -> None:
    rows = recorded(database)
    assert [r.message_id for r in rows] == [msgid(1), msgid(2), msgid(3), msgid(4), msgid(1)]
    assert Counter(r.disposition.value for r in rows) == {
        "referral": 2,
        "quarantine": 1,
        "ignore_autoreply": 1,
        "duplicate": 1,
    }
    assert len({(r.uidvalidity, r.uid) for r in rows}) == 5
    assert len(referrals(database)) == 2
    assert [o.kind for o in outbox(database)] == ["acknowledgement"] * 2
    assert folder_ids(dovecot, "INBOX") == []
    assert folder_ids(dovecot, "Processed") == sorted([msgid(1), msgid(1), msgid(2), msgid(4)])
    assert folder_ids(dovecot, "Quarantine") == [msgid(3)]


@pytest.mark.parametrize("step", STEPS)
def test_a_crash_at_any_step_loses_nothing_and_records_nothing_twice(
    committed_database: Database, dovecot: DovecotServer, step: str
) -> None:
    deliver(dovecot, *_mailbox())
    fired: list[str] = []

    def crash_once(at: str) -> None:
        if at == step and not fired:
            fired.append(at)
            raise Crash(at)

    with pytest.raises(Crash):
        poll_once(committed_database, settings(dovecot), checkpoint=crash_once)
    assert fired == [step]
    report = poll_once(committed_database, settings(dovecot))
    assert report.error == "" and report.skipped == ""
    _check_exactly_once(committed_database, dovecot)
    assert poll_once(committed_database, settings(dovecot)).moved == 0


CRASHING_POLLER = """
import json, os, sys
from mailbox.poller import poll_once
from workflow.store.db import Database

step, url, settings = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])

def die(at):
    if at == step:
        os._exit(70)  # no unwinding, no clean-up, no lease given back: a killed process

poll_once(Database(url), settings, checkpoint=die)
sys.exit(0)
"""


@pytest.mark.parametrize("step", STEPS)
def test_a_killed_poller_process_is_picked_up_by_the_next(
    committed_database: Database, dovecot: DovecotServer, step: str
) -> None:
    deliver(dovecot, *_mailbox())
    short_lease = settings(dovecot, IMAP_LEASE_SECONDS=0.2)
    died = subprocess.run(
        [
            sys.executable,
            "-c",
            CRASHING_POLLER,
            step,
            committed_database.url,
            json.dumps(short_lease),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=120,
    )
    assert died.returncode == 70, died.stderr.decode()[-2000:]
    time.sleep(0.3)  # the dead process's lease runs out; it never gave it back
    report = poll_once(committed_database, short_lease)
    assert report.error == "", report.error
    _check_exactly_once(committed_database, dovecot)
