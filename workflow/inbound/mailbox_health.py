"""The mailbox as the coordinator sees it: last good poll, last error, what waits, what is stuck.

The poller writes here at every cycle (claim, success, failure); the queue reads `health()`.
Failures back off exponentially, so a mailbox that is down is not hammered, and one cycle at a
time holds a lease, so the scheduler and `flask poll-mailbox` never drain the folder together.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from workflow.models import InboundMessage, MailboxFolder, MailboxStatus, utcnow
from workflow.models.mail import Disposition

BACKOFF_CAP = timedelta(minutes=30)
# A scheduled tick that lands a moment before the retry time still goes ahead.
TOLERANCE = timedelta(seconds=1)


@dataclass(frozen=True)
class MailboxHealth:
    """What the queue shows about the mailbox."""

    last_success_at: datetime | None
    last_error: str | None  # the latest cycle's error, None once a cycle has succeeded since
    waiting: int  # stored but not yet settled, plus mail in the folder not yet read
    quarantined: int
    last_error_at: datetime | None = None
    retry_at: datetime | None = None
    failures: int = 0
    self_referrals: int = 0  # victims writing in, waiting for a person to answer


def status(session: Session) -> MailboxStatus:
    """Return the one status row, creating it the first time."""
    row = session.get(MailboxStatus, 1)
    if row is None:
        row = MailboxStatus(id=1)
        session.add(row)
        session.flush()
    return row


def claim_cycle(
    session: Session,
    now: datetime,
    lease: timedelta,
    owner: str = "",
    dead: Callable[[str], bool] = lambda owner: False,
) -> str | None:
    """Take the poll lease for `owner`; return why not (backing off, another cycle running) or
    None. A lease whose holder `dead` says has died (killed mid-cycle) is taken over at once."""
    row = status(session)
    if row.retry_at is not None and now + TOLERANCE < row.retry_at:
        return f"backing off after {row.failures} failed cycles until {row.retry_at:%H:%M:%S} UTC"
    free = sa.or_(col(MailboxStatus.lease_until).is_(None), col(MailboxStatus.lease_until) < now)
    holder = row.lease_owner
    if holder and row.lease_until is not None and row.lease_until >= now and dead(holder):
        free = sa.or_(free, col(MailboxStatus.lease_owner) == holder)  # only if still theirs
    taken = session.exec(
        sa.update(MailboxStatus)
        .where(col(MailboxStatus.id) == 1, free)
        .values(lease_until=now + lease, last_attempt_at=now, lease_owner=owner[:300])
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return "another polling cycle is running"
    session.expire(row)
    return None


def renew_lease(session: Session, now: datetime, lease: timedelta) -> None:
    """Keep the lease while a long cycle is still draining the folder."""
    status(session).lease_until = now + lease


def release(session: Session) -> None:
    """Give the lease back without recording success or failure."""
    status(session).lease_until = None


def note_waiting(session: Session, unread: int) -> None:
    """Remember how many messages in the mailbox this cycle has not reached yet."""
    status(session).left_in_mailbox = unread


def record_success(session: Session, now: datetime, left_in_mailbox: int) -> None:
    """Note a completed cycle: the back-off resets and the error is no longer current."""
    row = status(session)
    row.last_success_at = now
    row.failures = 0
    row.retry_at = None
    row.lease_until = None
    row.left_in_mailbox = left_in_mailbox


def record_failure(session: Session, now: datetime, error: str, base: timedelta) -> datetime:
    """Note a failed cycle and return when the next may try: base, 2x, 4x ... up to 30 minutes."""
    row = status(session)
    row.failures += 1
    row.last_error = error[:2000]
    row.last_error_at = now
    row.retry_at = now + min(base * 2 ** min(row.failures - 1, 16), BACKOFF_CAP)
    row.lease_until = None
    return row.retry_at


def see_folder(session: Session, folder: str, uidvalidity: int) -> int | None:
    """Record the folder's UIDVALIDITY; return the previous one when it has changed."""
    row = session.get(MailboxFolder, folder)
    if row is None:
        session.add(MailboxFolder(folder=folder, uidvalidity=uidvalidity))
        return None
    previous = row.uidvalidity
    if previous == uidvalidity:
        return None
    row.uidvalidity, row.last_uid, row.updated_at = uidvalidity, 0, utcnow()
    return previous


def note_last_uid(session: Session, folder: str, uid: int) -> None:
    """Remember the highest UID read from the folder."""
    row = session.get(MailboxFolder, folder)
    if row is not None and uid > row.last_uid:
        row.last_uid, row.updated_at = uid, utcnow()


def _count(session: Session, disposition: Disposition) -> int:
    # A message a person has dealt with no longer waits, whatever its disposition.
    query = select(func.count()).where(
        col(InboundMessage.disposition) == disposition,
        col(InboundMessage.dealt_with_at).is_(None),
    )
    return int(session.exec(query).one())


def health(session: Session) -> MailboxHealth:
    """Return the mailbox's health for the coordinator's screen."""
    row = session.get(MailboxStatus, 1) or MailboxStatus(id=1)
    current_error = row.last_error_at is not None and (
        row.last_success_at is None or row.last_error_at > row.last_success_at
    )
    return MailboxHealth(
        last_success_at=row.last_success_at,
        last_error=row.last_error if current_error else None,
        waiting=_count(session, Disposition.PENDING) + row.left_in_mailbox,
        quarantined=_count(session, Disposition.QUARANTINE),
        last_error_at=row.last_error_at,
        retry_at=row.retry_at,
        failures=row.failures,
        self_referrals=_count(session, Disposition.REJECT_SELF_REFERRAL),
    )
