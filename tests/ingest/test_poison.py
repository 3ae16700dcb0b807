"""One bad message never stops the mailbox: each kind of poison first, good referrals behind it.

Against the real Dovecot and the test database (run with --db=postgresql too: PostgreSQL is the
one that refuses a NUL in text and a long index entry). Every poison message is recorded with its
raw bytes, moved to Quarantine with a reason a person can read, and the cycle goes on.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlmodel import col, select

from mailbox import ingest as ingest_module
from mailbox.ingest import IngestConfig, arrival, ingest, process, reprocess, store
from mailbox.mime import MAX_MULTIPARTS, parse_bytes
from mailbox.outbound import send_pending
from mailbox.poller import poll_once
from tests.ingest.support import deliver, folder_ids, message, msgid, recorded, referrals, settings
from tests.support.dovecot import DovecotServer
from tests.support.smtp import SmtpServer
from workflow.actors import Actor
from workflow.errors import StaleReferral
from workflow.inbound.arrival import clean_header
from workflow.inbound.settling import SET_ASIDE_AFTER
from workflow.models import Outbox, utcnow
from workflow.models.mail import Disposition, OutboxStatus
from workflow.store.db import Database

POLICE = b"From: Ruth Example <ruth.example@cambs.pnn.police.uk>\r\n"


def nul_subject() -> bytes:
    return (
        POLICE + b"To: marac.referrals@example.org.uk\r\n"
        b"Subject: =?utf-8?q?MARAC_referral_x=00?=\r\n"
        b"Message-ID: <poison.nul@cambs.pnn.police.uk>\r\n"
        b"Content-Type: text/plain\r\n\r\nSee attached.\r\n"
    )


def nested(depth: int) -> bytes:
    body = b"Content-Type: text/plain\r\n\r\nhello\r\n"
    for level in range(depth):
        b = f"nest{level}".encode()
        body = (
            b'Content-Type: multipart/mixed; boundary="' + b + b'"\r\n\r\n--' + b + b"\r\n"
            + body + b"\r\n--" + b + b"--\r\n"
        )  # fmt: skip
    return POLICE + b"Subject: deep\r\nMessage-ID: <poison.deep@cambs.pnn.police.uk>\r\n" + body


def cjk_message_id() -> bytes:
    return message(
        801, attachments=[], message_id="<" + "\u8a9e" * 1000 + "@cambs.pnn.police.uk>"
    ).replace(b"MARAC referral 801", b"CJK")


def crlf_message_id() -> bytes:
    """A real referral whose Message-ID decodes to a CR LF: its acknowledgement must still go."""
    return message(802, message_id="=?utf-8?q?<a=0D=0ABcc:_x@evil.example>?=")


POISON = {
    "NUL in the subject": nul_subject,
    "1000 nested multiparts": lambda: nested(1000),
    "1000-character CJK Message-ID": cjk_message_id,
}


@pytest.mark.imap
@pytest.mark.parametrize("kind", list(POISON))
def test_poison_first_does_not_stop_the_good_referrals_behind_it(
    kind: str, database: Database, dovecot: DovecotServer
) -> None:
    poison = POISON[kind]()
    deliver(dovecot, poison, message(1), message(2))
    report = poll_once(database, settings(dovecot))
    assert report.error == ""
    assert (report.fetched, report.moved, report.left) == (3, 3, 0)
    assert folder_ids(dovecot, "INBOX") == []
    assert folder_ids(dovecot, "Processed") == [msgid(1), msgid(2)]
    assert len(folder_ids(dovecot, "Quarantine")) == 1
    rows = recorded(database)
    assert [r.disposition for r in rows] == ["quarantine", "referral", "referral"]
    assert rows[0].raw.replace(b"\r\n", b"\n") == poison.replace(b"\r\n", b"\n")  # kept whole
    assert rows[0].reason and "Error" not in rows[0].reason.split("(")[0]
    assert len(referrals(database)) == 2
    again = poll_once(database, settings(dovecot))
    assert (again.error, again.fetched, len(recorded(database))) == ("", 0, 3)


def test_stored_headers_carry_no_control_characters(database: Database) -> None:
    found = arrival(nul_subject(), IngestConfig(parse_timeout=0), channel="cli")
    assert "\x00" in found.subject  # the decoded header really holds one
    store(database, found)
    [row] = recorded(database)
    assert row.subject == "MARAC referral x" and row.raw == nul_subject()
    assert clean_header("<a\r\nb>\t\x7f\x85") == "<a  b>"
    long_id = clean_header("<" + "\u8a9e" * 1000 + ">")
    assert len(long_id.encode()) <= 998 and long_id.startswith("<\u8a9e")


def test_a_deep_message_is_refused_before_parsing() -> None:
    parse_bytes(nested(MAX_MULTIPARTS))  # the limit itself still parses
    with pytest.raises(ValueError, match="nests more than"):
        parse_bytes(nested(MAX_MULTIPARTS + 1))


def test_ingest_eml_and_upload_take_poison_and_go_on(app: Flask, tmp_path: Path) -> None:
    paths = []
    for n, raw in enumerate([nested(1000), nul_subject(), message(1)]):
        path = tmp_path / f"m{n}.eml"
        path.write_bytes(raw)
        paths.append(str(path))
    result = app.test_cli_runner().invoke(args=["ingest-eml", *paths])
    assert result.exit_code == 0, result.output
    assert [line.split('"disposition": "')[1][:5] for line in result.stdout.splitlines()] == [
        "quara",
        "quara",
        "refer",
    ]


def test_reading_again_a_poison_message_keeps_it_in_quarantine(database: Database) -> None:
    config = IngestConfig(parse_timeout=0)
    settled, _ = ingest(database, nested(1000), config, Actor.system("t"), channel="upload")
    assert settled.disposition is Disposition.QUARANTINE
    again = reprocess(database, settled.message_id, config, Actor.system("t"))
    assert again.disposition is Disposition.QUARANTINE


def test_a_crlf_message_id_still_gets_its_acknowledgement(
    database: Database, smtp_server: SmtpServer
) -> None:
    config = IngestConfig(parse_timeout=0)
    settled, _ = ingest(database, crlf_message_id(), config, Actor.system("t"), channel="cli")
    assert settled.disposition is Disposition.REFERRAL
    report = send_pending(database, {**smtp_server.env(), "MAIL_FROM": "desk@example.org"})
    assert (report.sent, report.failed, report.error) == (1, 0, "")


def test_outbox_mail_that_can_never_be_built_is_marked_could_not_send(
    database: Database, smtp_server: SmtpServer
) -> None:
    with database.uow() as uow:
        bad = Outbox(
            kind="acknowledgement", to=["a@b.example"], subject="x\r\nBcc: y", body_text="."
        )
        good = Outbox(kind="acknowledgement", to=["a@b.example"], subject="fine", body_text=".")
        uow.session.add_all([bad, good])
        uow.commit()
    later = utcnow() + timedelta(days=2)
    cfg = {**smtp_server.env(), "MAIL_FROM": "desk@example.org"}
    report = send_pending(database, cfg, now=lambda: later)
    assert (report.sent, report.failed) == (1, 1)
    with database.uow() as uow:
        rows = list(uow.session.exec(select(Outbox).order_by(col(Outbox.id))))
    assert rows[0].status is OutboxStatus.FAILED and "Could not send" in rows[0].last_error
    assert send_pending(database, cfg, now=lambda: later).failed == 0  # never retried


def test_a_failing_ingest_logs_no_personal_details(
    database: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def quoting_error(*args: object, **kwargs: object) -> None:
        # What a database error does: quote the values it was given.
        raise ValueError("value too long: Vera Victim1, 14/07/1988, 07700 900123, Peter Perp")

    monkeypatch.setattr(ingest_module.settling, "settle", quoting_error)
    caplog.set_level(logging.DEBUG)
    config = IngestConfig(parse_timeout=0)
    settled, _ = ingest(database, message(1), config, Actor.system("t"), channel="cli")
    assert settled.disposition is Disposition.QUARANTINE
    assert "ValueError" in caplog.text
    for detail in ("Vera", "14/07/1988", "07700", "Peter Perp", "CB7"):
        assert detail not in caplog.text


def test_a_message_that_always_fails_is_set_aside_after_five_attempts(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*args: object, **kwargs: object) -> None:
        raise StaleReferral()  # a passing fault, as far as the ingester can tell

    real_settle = ingest_module.settling.settle
    monkeypatch.setattr(ingest_module.settling, "settle", locked)
    config = IngestConfig(parse_timeout=0)
    settled, _ = ingest(database, message(1), config, Actor.system("t"), channel="cli")
    for _ in range(SET_ASIDE_AFTER - 1):
        assert settled.disposition is Disposition.PENDING
        settled = process(database, settled.message_id, config, Actor.system("t"))
    assert settled.disposition is Disposition.PENDING
    monkeypatch.setattr(ingest_module.settling, "settle", real_settle)
    settled = process(database, settled.message_id, config, Actor.system("t"))
    assert settled.disposition is Disposition.QUARANTINE
    [row] = recorded(database)
    assert row.attempts == SET_ASIDE_AFTER and row.size == len(message(1))
    assert row.reason.startswith("Set aside: it could not be settled in 5 attempts")
    assert "StaleReferral" in row.reason


@pytest.mark.imap
def test_the_poller_sets_a_failing_message_aside_and_moves_it(
    database: Database, dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_settle = ingest_module.settling.settle

    def first_fails(uow: Any, actor: Any, message: Any, *args: Any) -> Any:
        if message.message_id == msgid(1) and message.disposition is Disposition.PENDING:
            raise StaleReferral()
        return real_settle(uow, actor, message, *args)

    monkeypatch.setattr(ingest_module.settling, "settle", first_fails)
    deliver(dovecot, message(1), message(2))
    cfg = settings(dovecot, PARSE_TIMEOUT_SECONDS=0)
    for cycle in range(SET_ASIDE_AFTER):
        report = poll_once(database, cfg)
        assert report.error == "" and folder_ids(dovecot, "INBOX") == [msgid(1)], cycle
    report = poll_once(database, cfg)
    assert report.dispositions == {"quarantine": 1}
    assert folder_ids(dovecot, "Quarantine") == [msgid(1)]
    assert folder_ids(dovecot, "Processed") == [msgid(2)]


@pytest.mark.imap
def test_a_message_over_the_size_cap_is_quarantined_unfetched(
    database: Database, dovecot: DovecotServer
) -> None:
    big = message(3, attachments=[("big.pdf", b"%PDF-1.4\n" + b"0" * 400_000, "application/pdf")])
    deliver(dovecot, big, message(1))
    report = poll_once(database, settings(dovecot, IMAP_MAX_MESSAGE_BYTES=300_000))
    assert report.error == "" and report.left == 0
    assert folder_ids(dovecot, "Quarantine") == [msgid(3)]
    assert folder_ids(dovecot, "Processed") == [msgid(1)]
    rows = recorded(database)
    assert [r.disposition for r in rows] == ["quarantine", "referral"]
    assert rows[0].size > 400_000 and len(rows[0].raw) < 20_000  # the header only
    assert rows[0].message_id == msgid(3) and rows[0].reason.startswith("Too large to fetch")
    assert len(referrals(database)) == 1
