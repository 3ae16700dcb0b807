"""One scheduler at a time: a lease row in the database, and each job's heartbeat.

Two scheduler processes (started twice by mistake, or on two machines against one database) both
try to take the lease before each job; only the holder runs it. Taking it is one conditional
UPDATE (free, expired, or already ours) or, the first time, one INSERT the primary key lets only
one process win, so it needs no advisory-lock extension and works the same on SQLite. A holder
that dies simply stops renewing; another takes over once the lease has expired.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select, update

from workflow.models.scheduling import JobHeartbeat, SchedulerLease

SCHEDULER = "scheduler"


def acquire(
    session: Session, holder: str, now: datetime, ttl: timedelta, name: str = SCHEDULER
) -> bool:
    """Take or renew the lease for `holder` until now + ttl; say whether it is ours."""
    if _renew(session, holder, now, ttl, name):
        return True
    exists = session.exec(select(SchedulerLease.name).where(SchedulerLease.name == name)).first()
    if exists is not None:
        # Another job thread of ours may have inserted it between our UPDATE and this SELECT:
        # now that the row is there, the conditional UPDATE alone decides.
        return _renew(session, holder, now, ttl, name)
    try:
        with session.begin_nested():
            session.add(
                SchedulerLease(name=name, holder=holder, acquired_at=now, expires_at=now + ttl)
            )
    except sa.exc.IntegrityError:
        # Inserted first by another process, or by another job thread of this one.
        return _renew(session, holder, now, ttl, name)
    return True


def _renew(session: Session, holder: str, now: datetime, ttl: timedelta, name: str) -> bool:
    taken = session.execute(
        update(SchedulerLease)
        .where(
            col(SchedulerLease.name) == name,
            sa.or_(col(SchedulerLease.holder) == holder, col(SchedulerLease.expires_at) < now),
        )
        .values(holder=holder, expires_at=now + ttl)
    )
    return taken.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def release(session: Session, holder: str, name: str = SCHEDULER) -> None:
    """Give the lease back at once (a clean shutdown), if it is ours."""
    session.execute(
        sa.delete(SchedulerLease).where(
            col(SchedulerLease.name) == name, col(SchedulerLease.holder) == holder
        )
    )


def holder_of(session: Session, now: datetime, name: str = SCHEDULER) -> str | None:
    """Return who holds the lease now, or None when it is free."""
    lease = session.get(SchedulerLease, name)
    if lease is None or lease.expires_at < now:
        return None
    return lease.holder


def _beat(session: Session, job: str, first: datetime, **values: Any) -> None:
    # Write first: on SQLite a transaction that reads before it writes cannot wait for the lock.
    updated = session.execute(
        update(JobHeartbeat).where(col(JobHeartbeat.job) == job).values(**values)
    )
    if updated.rowcount == 0:  # type: ignore[attr-defined]
        session.add(JobHeartbeat(job=job, **{"started_at": first, **values}))


def job_started(session: Session, job: str, holder: str, now: datetime) -> None:
    """Record that `job` has started (its end is recorded by job_finished)."""
    _beat(session, job, now, started_at=now, finished_at=None, holder=holder)


def job_finished(
    session: Session, job: str, now: datetime, counts: dict[str, Any], error: str = ""
) -> None:
    """Record the end of `job`, what it did and the error if it failed."""
    _beat(session, job, now, finished_at=now, counts=dict(counts), ok=not error, error=error[:2000])


@dataclass(frozen=True)
class LastRun:
    """A job's last run, for the queue page ("reminders last ran …")."""

    job: str
    started_at: datetime
    finished_at: datetime | None
    ok: bool
    counts: dict[str, Any]
    error: str
    holder: str


def last_runs(session: Session) -> dict[str, LastRun]:
    """Return each job's last start, end, counts and error, keyed by job name."""
    beats = session.exec(select(JobHeartbeat).order_by(col(JobHeartbeat.job)))
    return {
        b.job: LastRun(b.job, b.started_at, b.finished_at, b.ok, dict(b.counts), b.error, b.holder)
        for b in beats
    }
