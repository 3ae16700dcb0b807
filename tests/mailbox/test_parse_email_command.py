"""`flask parse-email` prints one JSON record per file and never fails on a bad one."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from commands import parse_email
from tests.mailbox.builders import DOCX_TYPE, answers, email_bytes, referral_docx


def test_one_json_line_per_file_with_its_name(tmp_path: Path) -> None:
    good = tmp_path / "good.eml"
    good.write_bytes(email_bytes(attachments=[("r.docx", referral_docx(answers("y")), DOCX_TYPE)]))
    note = tmp_path / "note.eml"
    note.write_bytes(email_bytes(body="Form to follow."))
    result = CliRunner().invoke(parse_email.command, [str(good), str(note)])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["file"], r["disposition"]) for r in lines] == [
        (str(good), "referral"),
        (str(note), "quarantine"),
    ]


def test_a_failure_reading_a_file_is_quarantined_with_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(raw: bytes, **kw: object) -> dict[str, object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(parse_email, "parse_message", explode)
    missing = tmp_path / "gone.eml"
    result = CliRunner().invoke(parse_email.command, [str(missing)])
    assert result.exit_code == 0
    record = json.loads(result.output)
    assert record["disposition"] == "quarantine"
    assert record["file"] == str(missing)
    assert record["reason"]


def test_a_file_that_takes_too_long_is_quarantined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def hang(raw: bytes, **kw: object) -> dict[str, object]:
        import time

        time.sleep(5)
        return {}

    monkeypatch.setattr(parse_email, "parse_message", hang)
    monkeypatch.setattr(parse_email, "SECONDS_PER_FILE", 1)
    slow = tmp_path / "slow.eml"
    slow.write_bytes(b"From: a@b\r\n\r\nhi")
    record = parse_email.record_for(str(slow))
    assert record["disposition"] == "quarantine"
    assert "TimeoutError" in record["reason"]


def test_mail_from_our_own_address_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAIL_FROM", "MARAC Referrals <marac.referrals@example.org.uk>")
    loop = tmp_path / "loop.eml"
    loop.write_bytes(email_bytes(sender="marac.referrals@example.org.uk", body="Logged."))
    assert parse_email.record_for(str(loop))["disposition"] == "ignore_autoreply"
