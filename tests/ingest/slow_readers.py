"""Readers a test hands to the reading child process by name: slow, crashing or talkative.

Module-level functions, so the child (started with spawn) can import them by name.
"""

from __future__ import annotations

import logging
import os
import time

from mailbox.ingest import read_now
from workflow.inbound.arrival import Reading

STALL = b"X-Test-Stall: forever"
DIE = b"X-Test-Die: now"


def stalling(raw: bytes, max_attachment_bytes: int, own: frozenset[str]) -> Reading:
    """Read normally, except a message carrying the STALL header, which never finishes."""
    if STALL in raw:
        while True:  # a reader caught in a loop: only killing its process stops it
            time.sleep(0.05)
    return read_now(raw, max_attachment_bytes, own)


def dying(raw: bytes, max_attachment_bytes: int, own: frozenset[str]) -> Reading:
    """Read normally, except a message carrying the DIE header kills the reading process."""
    if DIE in raw:
        os._exit(9)  # as the kernel's out-of-memory killer would end it
    return read_now(raw, max_attachment_bytes, own)


def talkative(raw: bytes, max_attachment_bytes: int, own: frozenset[str]) -> Reading:
    """Log from inside the child, with the process id, then read normally."""
    logging.getLogger("mailbox.parse").warning("reading in process %d", os.getpid())
    return read_now(raw, max_attachment_bytes, own)


def hungry(raw: bytes, max_attachment_bytes: int, own: frozenset[str]) -> Reading:
    """Try to hold 4 GB, as a decompression bomb would."""
    block = bytearray(4 * 1024**3)
    return Reading({"disposition": "referral", "size": len(block)})


def spinning(raw: bytes, max_attachment_bytes: int, own: frozenset[str]) -> Reading:
    """Burn CPU for ever, as a reader caught in a pathological loop would."""
    count = 0
    while True:
        count += 1


def nosy(raw: bytes, max_attachment_bytes: int, own: frozenset[str]) -> Reading:
    """Hand back everything in the environment, as a compromised reader would try to."""
    seen = "; ".join(f"{k}={v}" for k, v in sorted(os.environ.items()))
    with open("/proc/self/environ", "rb") as started_with:  # what the process was started with
        seen += " | " + started_with.read().replace(b"\0", b"; ").decode(errors="replace")
    return Reading({"disposition": "quarantine", "referral": None}, reason=seen[:1900])
