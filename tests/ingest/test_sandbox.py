"""The reading child is a sandbox: a reader that grabs memory, loops or reads the environment
quarantines only its own message, and no secret reaches it (mailbox/worker.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from mailbox.ingest import IngestConfig, ingest, read
from mailbox.worker import READERS, Readers, decode, encode
from tests.ingest.slow_readers import hungry, nosy, spinning
from tests.ingest.support import message
from workflow.actors import Actor
from workflow.models.mail import Disposition
from workflow.store.db import Database

SECRETS = {
    "SECRET_KEY": "sandbox-secret-key-123",
    "DATABASE_URL": "postgresql+psycopg://referrals:db-password-456@db/referrals",
    "IMAP_PASSWORD": "imap-password-789",
    "SMTP_PASSWORD": "smtp-password-000",
}


@pytest.fixture
def fresh_readers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Secrets in this process's environment, and reading children started after they were."""
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    READERS.close()
    yield
    READERS.close()


def test_a_reader_grabbing_4_gb_is_stopped_and_its_message_quarantined(
    database: Database, fresh_readers: None
) -> None:
    config = IngestConfig(parse_timeout=60, reader=hungry, reader_memory=512 * 1024**2)
    settled, _ = ingest(database, message(1), config, Actor.system("t"), channel="cli")
    assert settled.disposition is Disposition.QUARANTINE
    assert "MemoryError" in settled.reason
    assert read(message(2), IngestConfig(parse_timeout=60)).record["disposition"] == "referral"


def test_a_reader_looping_for_ever_is_stopped_and_its_message_quarantined(
    database: Database, fresh_readers: None
) -> None:
    config = IngestConfig(parse_timeout=3, reader=spinning)
    start = time.monotonic()
    settled, _ = ingest(database, message(1), config, Actor.system("t"), channel="cli")
    assert time.monotonic() - start < 60
    assert settled.disposition is Disposition.QUARANTINE
    assert "took too long" in settled.reason or "ended" in settled.reason


def test_a_reader_sees_no_secret_in_its_environment(
    database: Database, fresh_readers: None
) -> None:
    config = IngestConfig(parse_timeout=60, reader=nosy)
    settled, _ = ingest(database, message(1), config, Actor.system("t"), channel="cli")
    assert settled.disposition is Disposition.QUARANTINE
    assert "PATH=" in settled.reason  # it did read its environment
    for key, value in SECRETS.items():
        assert key not in settled.reason and value not in settled.reason


def test_answers_travel_as_json_never_pickle() -> None:
    assert decode(encode({"raw": b"\x00\xff", "ids": ("a", "b")})) == {
        "raw": b"\x00\xff",
        "ids": ["a", "b"],
    }
    readers = Readers()
    try:
        with pytest.raises(Exception, match="reader failed"):
            readers.run(_not_plain_data, timeout=60)  # an object JSON cannot carry
    finally:
        readers.close()


def _not_plain_data() -> object:
    return object()
