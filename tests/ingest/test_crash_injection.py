"""Crash injection against the real servers: `flask poll-mailbox` SIGKILLed at random points (a
fixed seed), the database cut off mid-run, Dovecot killed mid-run; then a run that finishes.

Afterwards: the inbox is empty, each message is in Processed or Quarantine exactly once, there is
exactly one stored row per message, no referral twice, nothing pending. This is the CI slice;
benchmarks/crash_injection.py runs the same with hundreds of messages and many kills.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from tests.ingest.support import deliver, folder_ids, message, msgid, recorded, referrals
from tests.support.dovecot import DovecotServer
from workflow.inbound import mailbox_health
from workflow.store.db import Database

pytestmark = pytest.mark.imap

ROOT = Path(__file__).resolve().parents[2]
POISON = (
    b"From: Ruth Example <ruth.example@cambs.pnn.police.uk>\r\n"
    b"Subject: =?utf-8?q?MARAC_referral_x=00?=\r\nMessage-ID: <poison.1@cambs.pnn.police.uk>\r\n"
    b"Content-Type: text/plain\r\n\r\nSee attached.\r\n"
)


def mailbox(count: int) -> list[bytes]:
    """Referrals (every fifth without a form, so quarantined) and a poison message."""
    mail = [message(n, attachments=[] if n % 5 == 0 else None) for n in range(1, count)]
    return [*mail, POISON]


def poll_command(database: Database, dovecot: DovecotServer) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **dovecot.env(),
        "DATABASE_URL": database.url,
        "SECRET_KEY": "crash-injection",
        "PYTHONPATH": str(ROOT),
        "IMAP_BATCH": "7",
        "IMAP_TIMEOUT_SECONDS": "5",
        "IMAP_RETRY_DELAYS": "",
        "IMAP_BACKOFF_SECONDS": "0",
        "MAIL_FROM": "referrals@example-desk.org.uk",
    }
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/flask"), "poll-mailbox"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def run_with_kills(
    database: Database,
    dovecot: DovecotServer,
    rng: random.Random,
    kills: int,
    mid_run: Callable[[], None] | None = None,
) -> int:
    """SIGKILL the poll `kills` times at random moments; return how many runs it took to finish."""
    for _ in range(kills):
        run = poll_command(database, dovecot)
        time.sleep(rng.uniform(0.5, 3.0))
        if mid_run is not None:
            mid_run()
        run.send_signal(signal.SIGKILL)
        run.communicate()  # reaped: its pid is gone, so its lease is taken at once
    for attempt in range(1, 6):
        _end_back_off(database)  # as an operator waiting out the back-off after the outage
        run = poll_command(database, dovecot)
        out, err = run.communicate(timeout=300)
        if run.returncode == 0 and not folder_ids(dovecot, "INBOX"):
            return attempt
        time.sleep(0.5)  # a failed run (server restarting) backs off; the next goes on
    raise AssertionError(f"never finished: {out.decode()} {err.decode()[-2000:]}")


def _end_back_off(database: Database) -> None:
    with database.uow() as uow:
        mailbox_health.status(uow.session).retry_at = None
        uow.commit()


def check_invariants(database: Database, dovecot: DovecotServer, sent: list[bytes]) -> None:
    expected = sorted([msgid(n) for n in range(1, len(sent))] + ["<poison.1@cambs.pnn.police.uk>"])
    assert folder_ids(dovecot, "INBOX") == []
    assert sorted(folder_ids(dovecot, "Processed") + folder_ids(dovecot, "Quarantine")) == expected
    rows = recorded(database)
    assert len(rows) == len(sent)  # exactly one stored row per message
    assert len({(r.uidvalidity, r.uid) for r in rows}) == len(sent)
    assert all(r.disposition.value != "pending" for r in rows)
    made = Counter(r.victim_name for r in referrals(database))
    assert made and max(made.values()) == 1  # no referral twice
    in_quarantine = set(folder_ids(dovecot, "Quarantine"))
    for row in rows:
        assert (row.message_id in in_quarantine) == (row.disposition.value == "quarantine")


def test_sigkill_at_random_points_loses_nothing_and_repeats_nothing(
    committed_database: Database, dovecot: DovecotServer
) -> None:
    sent = mailbox(30)
    deliver(dovecot, *sent)
    run_with_kills(committed_database, dovecot, random.Random(14), kills=4)
    check_invariants(committed_database, dovecot, sent)


def test_dovecot_killed_mid_run_loses_nothing(
    committed_database: Database, dovecot: DovecotServer
) -> None:
    sent = mailbox(25)
    deliver(dovecot, *sent)

    def crash_dovecot() -> None:  # the poll runs on while the server is down, then back
        dovecot.crash()
        time.sleep(1.0)
        dovecot.restart()

    run_with_kills(committed_database, dovecot, random.Random(15), kills=2, mid_run=crash_dovecot)
    check_invariants(committed_database, dovecot, sent)


def test_the_database_cut_off_mid_run_loses_nothing(
    committed_database: Database, dovecot: DovecotServer, db_backend: str
) -> None:
    if db_backend != "postgresql":
        pytest.skip("cutting every connection off is a PostgreSQL server action (--db=postgresql)")
    sent = mailbox(25)
    deliver(dovecot, *sent)
    url = committed_database.url.replace("postgresql+psycopg://", "postgresql://")
    name = url.rsplit("/", 1)[1]

    def cut_off() -> None:  # as a database restart does: every session ends at once
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )

    run_with_kills(committed_database, dovecot, random.Random(16), kills=2, mid_run=cut_off)
    check_invariants(committed_database, dovecot, sent)
