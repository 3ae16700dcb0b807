"""A message whose reading never ends is quarantined after PARSE_TIMEOUT_SECONDS, kept whole,
and the poller goes on: readers run in a child process that can be killed (mailbox/worker.py)."""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from datetime import UTC, datetime

import pytest

from mailbox.ingest import IngestConfig, ingest, read, reprocess
from mailbox.poller import MailboxSettings, poll_once
from mailbox.worker import READERS
from tests.ingest.slow_readers import DIE, STALL, dying, stalling, talkative
from tests.ingest.support import deliver, folder_ids, message, msgid, recorded, settings
from tests.support.dovecot import DovecotServer
from workflow.actors import Actor
from workflow.inbound import mailbox_health
from workflow.models import utcnow
from workflow.models.mail import Disposition
from workflow.store.db import Database

ROBOT = Actor.system("test")
LIMIT = 3.0  # far above a normal reading, even on a busy machine


def _stalled(n: int) -> bytes:
    return message(n, headers={STALL.split(b":")[0].decode(): "forever"})


def test_the_settings_give_the_time_limit() -> None:
    assert IngestConfig.from_settings({}).parse_timeout == 60
    assert IngestConfig.from_settings({"PARSE_TIMEOUT_SECONDS": 5}).parse_timeout == 5
    assert IngestConfig.from_settings({"PARSE_TIMEOUT_SECONDS": 0}).parse_timeout == 0


def test_a_reading_that_never_ends_is_stopped_and_the_next_one_still_works() -> None:
    config = IngestConfig(parse_timeout=LIMIT, reader=stalling)
    start = time.monotonic()
    reading = read(_stalled(1), config)
    assert time.monotonic() - start < LIMIT + 5
    assert reading.record["disposition"] == "quarantine"
    assert reading.reason.startswith(f"Parsing took too long (over {LIMIT:g} seconds)")
    assert read(message(2), config).record["disposition"] == "referral"


def test_a_reader_whose_process_dies_quarantines_only_its_message() -> None:
    config = IngestConfig(parse_timeout=30, reader=dying)
    reading = read(message(1, headers={DIE.split(b":")[0].decode(): "now"}), config)
    assert reading.record["disposition"] == "quarantine"
    assert "the reading process ended" in reading.reason
    assert read(message(2), config).record["disposition"] == "referral"


def test_starting_a_child_does_not_count_against_the_time_limit() -> None:
    READERS.close()  # the next reading starts a fresh child: importing the readers takes a while
    config = IngestConfig(parse_timeout=0.5)  # a tenth of a second or so to read; more to start
    assert read(message(1), config).record["disposition"] == "referral"


def test_the_reader_runs_in_a_reused_child_and_its_log_comes_home(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="mailbox.parse")
    config = IngestConfig(parse_timeout=30, reader=talkative)
    read(message(1), config)
    read(message(2), config)
    pids = {int(r.getMessage().split()[-1]) for r in caplog.records if "in process" in r.message}
    assert len(pids) == 1 and os.getpid() not in pids


def test_without_a_time_limit_the_message_is_read_in_this_process() -> None:
    config = IngestConfig(parse_timeout=0)
    assert read(message(1), config).record["disposition"] == "referral"


def test_a_stalled_message_is_quarantined_kept_and_read_again_later(database: Database) -> None:
    raw = _stalled(1)
    slow = IngestConfig(parse_timeout=LIMIT, reader=stalling)
    settled, _ = ingest(database, raw, slow, ROBOT, channel="cli")
    assert settled.disposition is Disposition.QUARANTINE
    assert "Parsing took too long" in settled.reason
    [row] = recorded(database)
    assert row.raw == raw  # stored before reading began: nothing lost
    again = reprocess(database, settled.message_id, IngestConfig(parse_timeout=30), ROBOT)
    assert again.disposition is Disposition.REFERRAL


@pytest.mark.imap
def test_the_poller_quarantines_a_stalled_message_and_settles_the_rest(
    database: Database, dovecot: DovecotServer
) -> None:
    deliver(dovecot, message(1), _stalled(2), message(3))
    cfg = MailboxSettings.from_settings(settings(dovecot))
    cfg = dataclasses.replace(
        cfg, ingest=dataclasses.replace(cfg.ingest, parse_timeout=LIMIT, reader=stalling)
    )
    start = time.monotonic()
    report = poll_once(database, cfg)
    assert time.monotonic() - start < LIMIT + 20
    assert report.error == "" and report.dispositions == {"referral": 2, "quarantine": 1}
    assert folder_ids(dovecot, "Quarantine") == [msgid(2)]
    assert folder_ids(dovecot, "Processed") == [msgid(1), msgid(3)]
    stalled = [r for r in recorded(database) if r.disposition == Disposition.QUARANTINE]
    assert [r.message_id for r in stalled] == [msgid(2)]
    assert "Parsing took too long" in stalled[0].reason and STALL in stalled[0].raw
    with database.uow() as uow:
        assert mailbox_health.health(uow.session).quarantined == 1


@pytest.mark.imap
def test_the_poll_lease_is_renewed_while_slow_messages_are_read(
    database: Database, dovecot: DovecotServer
) -> None:
    deliver(dovecot, _stalled(1), _stalled(2), _stalled(3))
    cfg = MailboxSettings.from_settings(settings(dovecot, IMAP_LEASE_SECONDS=3))
    cfg = dataclasses.replace(
        cfg, ingest=dataclasses.replace(cfg.ingest, parse_timeout=1.5, reader=stalling)
    )
    seen: list[tuple[bool, str | None]] = []

    def look(step: str) -> None:
        if step == "processed":  # three timeouts later: longer than the 3 s lease
            with database.uow() as uow:  # rolled back: only looking
                until = mailbox_health.status(uow.session).lease_until
                held = until is not None and _aware(until) > utcnow()
                seen.append((held, mailbox_health.claim_cycle(uow.session, utcnow(), cfg.lease)))

    report = poll_once(database, cfg, checkpoint=look)
    assert report.dispositions == {"quarantine": 3}
    assert seen == [(True, "another polling cycle is running")]


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def teardown_module() -> None:
    READERS.close()
