"""An idle scheduler logs nothing at INFO (its cycles are DEBUG); one that did work says so."""

import logging

import pytest

from scheduler import Jobs
from workflow.store.db import Database


def _info_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]


def test_idle_cycles_log_nothing_at_info(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    jobs = Jobs(database, {}, holder="only")
    for _cycle in range(2):  # the second time round, the lease is already ours
        jobs.poll_mailbox()
        jobs.send_reminders()
        jobs.send_outbox()
        jobs.purge_drafts()
    assert jobs.ran and not _info_lines(caplog)


def test_a_cycle_that_did_something_is_logged_at_info(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    Jobs(database, {}, holder="only").run("send-outbox", lambda: {"sent": 2, "skipped": ""})
    assert _info_lines(caplog) == ["send-outbox finished: {'sent': 2, 'skipped': ''}"]
