"""Odd MIME never crashes the reader: broken structure, charsets, encoded names, forwards."""

from email.message import EmailMessage

import pytest

from mailbox.parse import parse, parse_message
from tests.mailbox.builders import DOCX_TYPE, answers, email_bytes, referral_docx, tnef_bytes

HEAD = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: x\r\nMIME-Version: 1.0\r\n"

BROKEN = {
    "empty": b"",
    "binary garbage": b"\x00\xff\xfe" * 100,
    "headers only": HEAD,
    "multipart with no parts": HEAD + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n',
    "multipart without boundary": HEAD + b"Content-Type: multipart/mixed\r\n\r\nhello\r\n",
    "never-closed part": HEAD
    + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
    + b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0x",
    "bad base64": HEAD
    + b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not*base64",
    "unknown charset": HEAD + b"Content-Type: text/plain; charset=x-klingon\r\n\r\nQapla\xff",
    "bad encoded header": b"Subject: =?utf-8?q?broken=ZZ?=\r\nFrom: =?x-none?b?!!!?=\r\n\r\nhi",
    "raw 8-bit disposition": HEAD
    + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
    + b'Content-Disposition: attachment; filename="r\xe9f\xe9rral.pdf"\r\n\r\n%PDF-1.4\r\n--b--',
    "malformed encoded word": b"Subject: =?utf-8?b?=?=?=\r\nFrom: =?utf-8?q?=ZZ=?=\r\n\r\nhi",
    "nested far too deep": HEAD
    + b"".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n'.encode()
        for i in range(200)
    ),
}


@pytest.mark.parametrize("raw", BROKEN.values(), ids=BROKEN.keys())
def test_broken_messages_give_a_record_not_a_crash(raw: bytes) -> None:
    record = parse_message(raw)
    assert record["disposition"] in ("quarantine", "ignore_autoreply", "ignore_bounce")
    assert record["referral"] is None


def test_rfc2231_and_rfc2047_file_names() -> None:
    data = referral_docx(answers("y"))
    msg = EmailMessage()
    msg["From"] = "x@nhs.net"
    msg["Subject"] = "=?utf-8?q?MARAC_referral_-_A=2E_M=C3=BCller?="
    msg.set_content("see attached")
    msg.add_attachment(
        data, maintype="application", subtype="octet-stream", filename="Référral Müller.docx"
    )
    parsed = parse(msg.as_bytes())
    assert parsed.record["disposition"] == "referral"
    assert parsed.attachments[0].filename == "Référral Müller.docx"
    assert parsed.attachments[0].detected_type == "docx"
    assert parsed.subject == "MARAC referral - A. Müller"


def test_forward_attached_as_a_message_is_read() -> None:
    inner = email_bytes(attachments=[("MARAC.docx", referral_docx(answers("n")), DOCX_TYPE)])
    outer = EmailMessage()
    outer["From"] = "Colleague <colleague@nhs.net>"
    outer["Subject"] = "FW: MARAC referral"
    outer.set_content("Forwarding - sent to the wrong inbox.")
    outer.add_attachment(inner, maintype="message", subtype="rfc822")
    record = parse_message(outer.as_bytes())
    assert record["disposition"] == "referral"
    assert record["referral"]["victim"]["name"] == "Vera Victim"


def test_headers_and_attachment_facts_for_ingestion() -> None:
    raw = email_bytes(
        attachments=[("MARAC.docx", referral_docx(answers("y")), DOCX_TYPE)],
        headers={
            "In-Reply-To": "<ack.1@example.org>",
            "References": "<a@x> <ack.1@example.org>",
            "Date": "Tue, 03 Feb 2026 09:38:16 +0000",
        },
    )
    parsed = parse(raw)
    assert parsed.message_id == "<fixture.1@example.org.uk>"
    assert parsed.from_address == "ruth.example@cambs.pnn.police.uk"
    assert parsed.in_reply_to == "<ack.1@example.org>"
    assert parsed.references == ["<a@x>", "<ack.1@example.org>"]
    assert parsed.sent_at is not None and parsed.sent_at.tzinfo is not None
    (attachment,) = parsed.attachments
    assert (attachment.filename, attachment.detected_type) == ("MARAC.docx", "docx")
    assert len(attachment.sha256) == 64
    assert parsed.sources["victim.name"].document == "MARAC.docx"
    assert "table 1 row 7" in parsed.sources["victim.name"].where
    assert parsed.sources["dash.answers.1"].document == "MARAC.docx"


def test_outlook_winmail_dat_is_unwrapped() -> None:
    docx = referral_docx(answers("y"))
    winmail = tnef_bytes([("MARAC referral.docx", docx)])
    raw = email_bytes(attachments=[("winmail.dat", winmail, "application/ms-tnef")])
    parsed = parse(raw)
    assert parsed.record["disposition"] == "referral"
    assert [a.filename for a in parsed.attachments] == ["MARAC referral.docx"]


def test_unreadable_outlook_msg_is_listed() -> None:
    raw = email_bytes(
        attachments=[("referral.msg", b"not an outlook file", "application/vnd.ms-outlook")]
    )
    record = parse_message(raw)
    assert record["disposition"] == "quarantine"
    assert record["unreadable_parts"] == ["referral.msg"]


def test_a_reader_bug_on_one_part_does_not_lose_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    import mailbox.parse as parse_module

    real = parse_module.read_form

    def flaky(doc):  # type: ignore[no-untyped-def]
        if doc.name == "broken.docx":
            raise RuntimeError("bug")
        return real(doc)

    monkeypatch.setattr(parse_module, "read_form", flaky)
    raw = email_bytes(
        attachments=[
            ("broken.docx", referral_docx(answers("n")), DOCX_TYPE),
            ("MARAC.docx", referral_docx(answers("y")), DOCX_TYPE),
        ]
    )
    record = parse_message(raw)
    assert record["disposition"] == "referral"
    assert record["unreadable_parts"] == ["broken.docx"]


def test_a_charset_with_a_nul_in_it_does_not_stop_the_walk() -> None:
    """Found by fuzzing: Python's email package raised ValueError on get_payload()."""
    from mailbox.mime import parse_bytes, walk

    raw = (
        b"From: a@example.com\r\nSubject: x\r\nContent-Type: text/plain;\r\n"
        b"  charset=iso\x00\x01-8859-1\r\n\r\nsome test\r\n"
    )
    walked = walk(parse_bytes(raw))
    assert [b.subtype for b in walked.bodies] == ["plain"]
    assert "some test" in walked.bodies[0].text
