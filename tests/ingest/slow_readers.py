"""Readers a test hands to the reading child process by name: slow, crashing or talkative.

Module-level functions, so the child (started with spawn) can import them by name.
"""

from __future__ import annotations

import logging
import os
import time

from mailbox.ingest import read_now
from workflow.inbound import Reading

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
