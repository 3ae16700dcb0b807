"""`flask parse-email FILE…`: print each message's extraction record as one JSON line."""

from __future__ import annotations

import json
from mailbox.parse import parse_message
from typing import Any

import click


def record_for(path: str) -> dict[str, Any]:
    """Return the extraction record for one file; any failure becomes a quarantine record."""
    try:
        with open(path, "rb") as fh:
            record = parse_message(fh.read())
    except Exception as exc:
        record = {
            "disposition": "quarantine",
            "referral": None,
            "unreadable_parts": [],
            "needs_review": [],
            "reason": f"{type(exc).__name__}: {exc}"[:300],
        }
    return {"file": path, **record}


@click.command("parse-email")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def parse_email(files: tuple[str, ...]) -> None:
    """Read RFC 822 messages and print each one's extraction record as a JSON line."""
    for path in files:
        click.echo(json.dumps(record_for(path), ensure_ascii=False))


command = parse_email
