"""Helpers for the mailbox tests: parse a message built in code."""

from mailbox.parse import parse_message
from typing import Any

import pytest

from tests.mailbox.builders import DOCX_TYPE, email_bytes


def parse_attachment(name: str, data: bytes, ctype: str = DOCX_TYPE, **kw: Any) -> dict[str, Any]:
    """Parse a message carrying one attachment and return its record."""
    return parse_message(email_bytes(attachments=[(name, data, ctype)]), **kw)


def expected_answers(given: dict[int, str]) -> dict[str, str | None]:
    """Return DASH answers as the record gives them."""
    return {str(n): given.get(n) for n in range(1, 25)}


@pytest.fixture
def parse() -> Any:
    return parse_attachment
