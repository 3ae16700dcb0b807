"""Run a short transaction again when a concurrent one won a race for the same rows: one helper.

Two first requests from one address both insert its counter (PostgreSQL: a unique violation),
SQLite refuses at once a write from a transaction that read while another one was writing, and a
user's change can make a batch's rows stale (optimistic locking). Backing off briefly, doubling
each time, lets the winner finish; the last attempt's error is the caller's.
"""

import random
import time
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

from workflow.errors import StaleReferral

T = TypeVar("T")

ATTEMPTS = 6
# What a lost race looks like: a stale version, a unique key taken meanwhile, a locked database.
RACES: tuple[type[Exception], ...] = (
    StaleReferral,
    sa.exc.IntegrityError,
    sa.exc.OperationalError,
)


def retried(
    work: Callable[[], T],
    *,
    attempts: int = ATTEMPTS,
    races: tuple[type[Exception], ...] = RACES,
    pause: float = 0.05,
    jitter: bool = False,
    on_retry: Callable[[], None] | None = None,
) -> T:
    """Return `work()`, run again up to `attempts` times in all while it loses a race.

    The pauses are `pause`, then doubled each time; with `jitter`, each is stretched by up to
    as much again at random, so two clients that met once do not meet again. `on_retry` is
    called after each lost race that is tried again (a report's count).
    """
    for attempt in range(attempts - 1):
        try:
            return work()
        except races:
            if on_retry is not None:
                on_retry()
            stretch = 1 + random.random() if jitter else 1  # noqa: S311 (jitter, not secrets)
            time.sleep(pause * 2**attempt * stretch)
    return work()
