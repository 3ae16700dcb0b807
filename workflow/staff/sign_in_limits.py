"""How many wrong passwords sign-in lets through: the same for every typed email, whether or not
an account has it, and never a way to shut a person out of their own account for long.

Every try is counted before its password is checked (so a burst of simultaneous tries cannot all
slip in while one is being checked) and the count is cleared when the password is right. After
`FREE_FAILURES` failures each next try must wait: one minute, then two, four, eight, then at
most `LONGEST_WAIT` — about a hundred guesses a day reach an account from the whole internet.
Counts lapse `FORGET_AFTER` the last failure.

Two kinds of count, in the throttle table:
- per typed email (by its hash), for a browser that has not signed in to that account before;
- per known browser: one that signed in to the account holds a signed cookie saying so (the
  view's part). It has a count of its own, so someone guessing elsewhere never holds the owner
  up at their usual computer, and a stolen cookie buys no more guesses than the schedule allows.
The view also limits each client address (an IPv6 /64) across all emails.
"""

import hashlib
import math
from datetime import datetime, timedelta

from sqlmodel import Session

from workflow.models.throttle import Throttle
from workflow.store import throttle

FREE_FAILURES = 5
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=24)


ATTEMPTS_PER_CLIENT = 20  # passwords and codes from one address (or IPv6 /64) per window
CLIENT_WINDOW = timedelta(minutes=15)


def client_allowed(session: Session, address: str) -> bool:
    """Count one sign-in try (a password or a code) from a client; False once over its limit.

    Passwords and second-factor codes share the count, so the code step is no way around it.
    """
    key = f"login:{throttle.client_bucket(address)}"
    return throttle.allow(session, key, ATTEMPTS_PER_CLIENT, CLIENT_WINDOW)


def email_digest(email: str) -> str:
    """The typed email as its counts know it (case and spaces aside).

    Unkeyed, so an administrator's unlock can find the count from the account's address; the rows
    live a day at most. The audit keeps a keyed digest instead (staff.sign_in_identifier).
    """
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def email_bucket(email: str) -> str:
    """The count for tries at `email` from browsers not known to its account."""
    return f"signin-email:{email_digest(email)}"


def browser_bucket(browser: str) -> str:
    """The count for tries from one known browser (the random id in its cookie)."""
    return f"signin-browser:{browser[:64]}"


def delay(failures: int) -> timedelta:
    """How long after the latest failure the next try must wait."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    doubled: timedelta = FIRST_WAIT * 2 ** min(failures - FREE_FAILURES, 20)
    return min(doubled, LONGEST_WAIT)


def begin_attempt(session: Session, bucket: str, now: datetime) -> timedelta:
    """Count a try as a failure in advance, or say how long it must wait (nothing counted).

    Tries refused for waiting are not counted: guessing during a wait costs the owner nothing.
    The caller commits at once, before the slow password check.
    """
    row = throttle.counter(session, bucket, now)
    if row.window_start + FORGET_AFTER <= now:
        row.count = 0
    remaining = row.window_start + delay(row.count) - now
    if row.count and remaining > timedelta(0):
        return remaining
    row.count += 1
    row.window_start = now
    session.flush()
    return timedelta(0)


def held_until(session: Session, bucket: str) -> datetime | None:
    """When the next try in `bucket` may be made, if it must wait (for the accounts page)."""
    row = session.get(Throttle, bucket[:200])
    if row is None or not delay(row.count):
        return None
    return row.window_start + delay(row.count)


def succeeded(session: Session, bucket: str) -> None:
    """The password was right: clear the count it was tried under."""
    throttle.forget(session, bucket)


def forget_email(session: Session, email: str) -> None:
    """An administrator's unlock: strangers' tries at this account start again from none."""
    throttle.forget(session, email_bucket(email))


def minutes(wait: timedelta) -> int:
    """A wait in whole minutes, rounded up, for the message."""
    return max(1, math.ceil(wait.total_seconds() / 60))
