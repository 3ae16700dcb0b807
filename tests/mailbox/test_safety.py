"""Hostile or broken attachments are listed as unreadable, never read, fetched or inflated."""

import http.server
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailbox.parse import parse_message
from mailbox.safety import DEFAULT_MAX_ATTACHMENT_BYTES, UnreadablePart, parse_xml, safe_filename
from tests.mailbox.builders import (
    DOCX_TYPE,
    answers,
    email_bytes,
    parse_attachment,
    pdf_bytes,
    referral_docx,
    replace_member,
)


def _quarantined(record: dict[str, object], name: str) -> None:
    assert record["disposition"] == "quarantine"
    assert record["unreadable_parts"] == [name]
    assert record["referral"] is None


def test_password_protected_docx() -> None:
    # Word saves an encrypted .docx as an OLE compound file, not a zip.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096
    _quarantined(
        parse_attachment("MARAC referral (protected).docx", data), "MARAC referral (protected).docx"
    )


def test_truncated_docx() -> None:
    data = referral_docx(answers("y"))
    _quarantined(
        parse_attachment("MARAC referral.docx", data[: len(data) // 2]), "MARAC referral.docx"
    )


def test_zip_bomb_is_refused_before_inflating() -> None:
    bomb = b"<w:document>" + b" " * (40 * 1024 * 1024) + b"</w:document>"
    data = replace_member(referral_docx(answers("y")), "word/document.xml", bomb)
    assert len(data) < 1024 * 1024
    _quarantined(parse_attachment("MARAC referral.docx", data), "MARAC referral.docx")


class _Canary(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'<!ENTITY leak "FETCHED">')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def canary_url() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/dash.dtd"
    server.shutdown()
    server.server_close()


def test_xxe_docx_is_refused_and_its_entities_never_fetched(
    tmp_path: Path, canary_url: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CANARY")
    original = zipfile.ZipFile(__import__("io").BytesIO(referral_docx(answers("y"))))
    xml = original.read("word/document.xml").decode()
    head, body = xml.split("<w:document", 1)
    hostile = (
        f'{head}<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">'
        f'<!ENTITY % remote SYSTEM "{canary_url}"> %remote;]><w:document{body}'
    ).replace("Vera Victim", "&xxe;")
    data = replace_member(referral_docx(answers("y")), "word/document.xml", hostile.encode())
    record = parse_attachment("DASH referral.docx", data)
    _quarantined(record, "DASH referral.docx")
    assert "TOP-SECRET-CANARY" not in repr(record)
    assert _Canary.hits == 0


def test_xml_parser_refuses_any_dtd() -> None:
    with pytest.raises(UnreadablePart):
        parse_xml(b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>')


def test_oversize_attachment_is_not_read() -> None:
    raw = email_bytes(
        attachments=[("scan.pdf", pdf_bytes([(40, 800, "x" * 50)]), "application/pdf")]
    )
    record = parse_message(raw, max_attachment_bytes=200)
    _quarantined(record, "scan.pdf")


def test_default_attachment_limit_is_25_mb() -> None:
    assert DEFAULT_MAX_ATTACHMENT_BYTES == 25 * 1024 * 1024


def test_unreadable_part_beside_a_readable_form_still_gives_a_referral() -> None:
    raw = email_bytes(
        attachments=[
            ("MARAC referral.docx", referral_docx(answers("y")), DOCX_TYPE),
            ("old.docx", b"PK\x03\x04broken", DOCX_TYPE),
        ]
    )
    record = parse_message(raw)
    assert record["disposition"] == "referral"
    assert record["unreadable_parts"] == ["old.docx"]


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\MARAC.docx", "MARAC.docx"),
        ("a\x00b<c>.pdf", "ab_c_.pdf"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("", "attachment"),
        (None, "attachment"),
    ],
)
def test_file_names_are_sanitised(given: str | None, safe: str) -> None:
    assert safe_filename(given) == safe


def test_zip_needing_an_unknown_version_is_unreadable_not_a_crash() -> None:
    data = bytearray(referral_docx(answers("y")))
    entry = data.index(b"PK\x01\x02")
    data[entry + 6] = 174  # "version needed to extract": 17.4, which zipfile refuses to open
    _quarantined(parse_attachment("MARAC referral.docx", bytes(data)), "MARAC referral.docx")
