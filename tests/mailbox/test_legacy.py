"""Legacy formats (.doc, .rtf, .xls, .ods) converted by LibreOffice, and CSV read directly.

The legacy fixtures are made at test time by converting generated modern files with LibreOffice.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest

from mailbox import legacy
from mailbox.parse import parse_message
from mailbox.worker import Readers
from tests.mailbox.builders import (
    EXPECTED,
    XLSX_TYPE,
    answers,
    email_bytes,
    expected_answers,
    referral_docx,
    xlsx_bytes,
)

GIVEN = answers("ynyd")
OCTET = "application/octet-stream"


@functools.cache
def _legacy(target: str) -> bytes:
    if target == "rtf":
        return legacy.convert(referral_docx(GIVEN), "docx", "rtf")
    if target == "doc":
        # Straight from python-docx's file LibreOffice writes the second table as one paragraph
        # (a quirk of its .doc export of that file); by way of RTF the .doc is a real Word table.
        return legacy.convert(_legacy("rtf"), "rtf", "doc")
    return legacy.convert(_sheet(), "xlsx", target)


def _sheet() -> bytes:
    rows: list[list[Any]] = [["MARAC Referral Form"]]
    rows += [["Victim name", "Vera Victim"], ["Date of birth", "14/07/1988"]]
    rows += [["Perpetrator name", "Peter Perp"], ["Referrer name", "Ruth Example"]]
    return xlsx_bytes({"Referral": rows})


def _parse(name: str, data: bytes, ctype: str = OCTET) -> dict[str, Any]:
    return parse_message(email_bytes(attachments=[(name, data, ctype)]))


@pytest.mark.parametrize("kind", ["doc", "rtf"])
def test_word_97_and_rtf_are_converted_and_read_like_docx(kind: str) -> None:
    record = _parse(f"referral.{kind}", _legacy(kind), "application/msword")
    assert record["disposition"] == "referral"
    assert record["unreadable_parts"] == []
    referral = record["referral"]
    assert referral["victim"] == EXPECTED["victim"]
    assert referral["perpetrator"] == EXPECTED["perpetrator"]
    assert referral["dash"]["answers"] == expected_answers(GIVEN)


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_excel_97_and_ods_are_converted_and_read_like_xlsx(kind: str) -> None:
    record = _parse(f"referral.{kind}", _legacy(kind))
    assert record["disposition"] == "referral"
    assert record["referral"]["victim"]["name"] == "Vera Victim"
    assert record["referral"]["victim"]["date_of_birth"] == "1988-07-14"
    assert record["referral"]["referrer"]["name"] == "Ruth Example"


def test_a_conversion_that_fails_quarantines_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(legacy, "CONVERT_SECONDS", 0.01)
    raw = email_bytes(attachments=[("referral.doc", _legacy("doc"), "application/msword")])
    from mailbox.parse import parse

    parsed = parse(raw)
    assert parsed.record["disposition"] == "quarantine"
    assert parsed.record["unreadable_parts"] == ["referral.doc"]
    reason = parsed.attachments[0].unreadable_reason or ""
    assert "could not be converted" in reason and "took over" in reason


def test_without_libreoffice_a_legacy_file_is_quarantined(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy, "soffice", lambda: None)
    record = _parse("referral.xls", _legacy("xls"))
    assert record["disposition"] == "quarantine"
    assert record["unreadable_parts"] == ["referral.xls"]


def test_conversion_runs_inside_the_time_limited_reader_child() -> None:
    readers = Readers()
    try:
        raw = email_bytes(attachments=[("referral.doc", _legacy("doc"), "application/msword")])
        record = readers.run(parse_message, raw, timeout=120)
    finally:
        readers.close()
    assert record["referral"]["victim"]["name"] == "Vera Victim"


def test_csv_is_read_directly() -> None:
    text = "Victim name,Vera Victim\nDate of birth,14/07/1988\nPerpetrator name,Peter Perp\n"
    text += "Referrer name,Ruth Example\n"
    record = _parse("referral.csv", text.encode(), "text/csv")
    assert record["disposition"] == "referral"
    assert record["referral"]["victim"]["date_of_birth"] == "1988-07-14"
    assert record["referral"]["perpetrator"]["name"] == "Peter Perp"


def test_encrypted_office_file_is_still_quarantined_unconverted() -> None:
    record = _parse(
        "referral.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096, XLSX_TYPE
    )
    assert record["disposition"] == "quarantine"
