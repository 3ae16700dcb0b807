"""`flask ingest-eml` and `flask poll-mailbox` exactly as docs/contract.md says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask

from tests.ingest.support import FREEMAIL, deliver, folder_ids, message, msgid, settings
from tests.support.dovecot import DovecotServer


def _files(tmp_path: Path, *messages: bytes) -> list[str]:
    paths = []
    for n, raw in enumerate(messages, start=1):
        path = tmp_path / f"m{n}.eml"
        path.write_bytes(raw)
        paths.append(str(path))
    return paths


def test_ingest_eml_prints_one_line_per_file_in_order(app: Flask, tmp_path: Path) -> None:
    body = "Please help me, my ex keeps following me and I am so scared."
    files = _files(
        tmp_path,
        message(1),
        message(1),
        message(2, subject="RE: MARAC referral", headers={"References": msgid(1)}),
        message(3, attachments=[]),
        message(4, sender=FREEMAIL, attachments=[], body=body),
    )
    result = app.test_cli_runner().invoke(args=["ingest-eml", *files])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [set(line) for line in lines] == [{"file", "message_id", "disposition", "reference"}] * 5
    assert [line["file"] for line in lines] == files
    assert [line["disposition"] for line in lines] == [
        "referral",
        "duplicate",
        "update",
        "quarantine",
        "reject_self_referral",
    ]
    reference = lines[0]["reference"]
    assert reference.startswith("REF-")
    assert [line["reference"] for line in lines] == [reference] * 3 + [None, None]
    assert lines[0]["message_id"] == msgid(1)


def test_ingest_eml_reports_a_missing_file_and_goes_on(app: Flask, tmp_path: Path) -> None:
    [good] = _files(tmp_path, message(1))
    result = app.test_cli_runner().invoke(args=["ingest-eml", str(tmp_path / "gone.eml"), good])
    assert result.exit_code == 1
    assert "cannot read" in result.stderr
    [line] = [json.loads(x) for x in result.stdout.splitlines()]
    assert line["disposition"] == "referral"


@pytest.mark.imap
def test_poll_mailbox_runs_one_cycle_and_prints_a_summary(
    app: Flask, dovecot: DovecotServer
) -> None:
    deliver(dovecot, message(1), message(2, attachments=[]))
    app.config.update(settings(dovecot))
    result = app.test_cli_runner().invoke(args=["poll-mailbox"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "poll-mailbox: 2 fetched, 2 new, settled: 1 quarantine, 1 referral; "
        "2 moved, 0 left in the mailbox\n"
    )
    assert folder_ids(dovecot, "Processed") == [msgid(1)]


@pytest.mark.imap
def test_poll_mailbox_fails_visibly_when_the_login_is_refused(
    app: Flask, dovecot: DovecotServer
) -> None:
    app.config.update(settings(dovecot, IMAP_PASSWORD="wrong"))
    result = app.test_cli_runner().invoke(args=["poll-mailbox"])
    assert result.exit_code == 1
    assert "refused the login" in result.output


def test_poll_mailbox_says_plainly_when_polling_is_off(app: Flask) -> None:
    app.config.update(IMAP_HOST=None)
    result = app.test_cli_runner().invoke(args=["poll-mailbox"])
    assert result.exit_code == 0
    assert result.output.startswith("poll-mailbox: skipped: polling is off")
