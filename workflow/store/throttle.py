"""Fixed-window rate limits: how many attempts one client may make in a period."""

import ipaddress
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, delete
from sqlmodel.sql.sqltypes import UTCDateTime

from workflow.models import utcnow
from workflow.models.throttle import Throttle
from workflow.store.db import upsert

# The longest any limit looks back: sign-in counts lapse a day after the last failure
# (sign_in_limits.FORGET_AFTER), the others are minutes or an hour. Older rows are purged.
KEPT = timedelta(days=2)


def allow(
    session: Session, key: str, limit: int, window: timedelta, now: datetime | None = None
) -> bool:
    """Count one attempt for `key` and say whether it is within the limit; caller commits."""
    now = now or utcnow()
    # One statement, not insert-then-lock-then-update: every send counts two of these, and the
    # round trips and ORM work were a sixth of what a send cost. The row stays locked until the
    # caller commits, as before; a window that has run out starts again at this attempt.
    table = Throttle.__table__  # type: ignore[attr-defined]
    at = sa.bindparam("at", now, type_=UTCDateTime())
    lapsed = table.c.window_start <= sa.bindparam("cutoff", now - window, type_=UTCDateTime())
    statement = (
        upsert(session, table)
        .values(key=key[:200], window_start=now, count=1)
        .on_conflict_do_update(
            index_elements=["key"],
            set_={
                "window_start": sa.case((lapsed, at), else_=table.c.window_start),
                "count": sa.case((lapsed, 1), else_=table.c.count + 1),
            },
        )
        .returning(table.c.count)
    )
    # On the connection, not the session: nothing pending needs flushing, and no ORM work.
    return int(session.connection().execute(statement).scalar_one()) <= limit


def counter(session: Session, key: str, now: datetime) -> Throttle:
    """Return the row counting `key`, created if new and locked until the caller commits."""
    key = key[:200]
    _ensure_row(session, key, now)
    row = session.get(Throttle, key, with_for_update=True, populate_existing=True)
    assert row is not None  # inserted above
    return row


def forget(session: Session, *keys: str) -> None:
    """Delete the counts for `keys` (a success, or an administrator's unlock)."""
    session.execute(delete(Throttle).where(col(Throttle.key).in_([k[:200] for k in keys])))


def purge(session: Session, now: datetime, older_than: timedelta) -> int:
    """Delete counts untouched for `older_than` (longer than any window); return how many."""
    stale = col(Throttle.window_start) < now - older_than
    return int(getattr(session.execute(delete(Throttle).where(stale)), "rowcount", 0) or 0)


def _ensure_row(session: Session, key: str, now: datetime) -> None:
    # Two first attempts at once must not collide on the primary key (PostgreSQL) and, on SQLite,
    # writing first takes the write lock at once instead of failing to upgrade a read lock.
    statement = upsert(session, Throttle).values(key=key, window_start=now, count=0)
    session.execute(statement.on_conflict_do_nothing(index_elements=["key"]))


def client_bucket(address: str) -> str:
    """The part of a client address a limit counts against: the address, or its IPv6 /64.

    One IPv6 client is usually handed a whole /64 and can rotate through it freely, so counting
    single addresses would not limit it at all.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
