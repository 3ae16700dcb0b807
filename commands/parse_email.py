"""`flask parse-email FILE…`: print each message's extraction record as one JSON line."""

from __future__ import annotations

import contextlib
import email.utils
import json
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

import click

from mailbox.parse import parse_message

# A hostile file must not hang the command: past this, the message is quarantined.
SECONDS_PER_FILE = 120


def record_for(path: str) -> dict[str, Any]:
    """Return the extraction record for one file; any failure becomes a quarantine record."""
    try:
        with open(path, "rb") as fh, _time_limit(SECONDS_PER_FILE):
            record = parse_message(fh.read(), own_addresses=own_addresses())
    except Exception as exc:  # a message that cannot be read is quarantined, never fatal
        record = {
            "disposition": "quarantine",
            "referral": None,
            "unreadable_parts": [],
            "needs_review": [],
            "reason": f"{type(exc).__name__}: {exc}"[:300],
        }
    return {"file": path, **record}


def own_addresses() -> frozenset[str]:
    """Return the service's own addresses (MAIL_FROM, IMAP_USERNAME): mail from them is a loop."""
    found = (
        email.utils.parseaddr(os.environ.get(k, ""))[1] for k in ("MAIL_FROM", "IMAP_USERNAME")
    )
    return frozenset(a.lower() for a in found if "@" in a)


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    """Raise TimeoutError after `seconds` (only possible on the main thread)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"reading took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@click.command("parse-email")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def parse_email(files: tuple[str, ...]) -> None:
    """Read RFC 822 messages and print each one's extraction record as a JSON line."""
    for path in files:
        click.echo(json.dumps(record_for(path), ensure_ascii=False))


command = parse_email
