"""Fixed-window rate limits: how many attempts one client may make in a period."""

from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from workflow.models import utcnow
from workflow.models.throttle import Throttle


def allow(
    session: Session, key: str, limit: int, window: timedelta, now: datetime | None = None
) -> bool:
    """Count one attempt for `key` and say whether it is within the limit; caller commits."""
    now = now or utcnow()
    key = key[:200]
    _ensure_row(session, key, now)
    row = session.get(Throttle, key, with_for_update=True, populate_existing=True)
    assert row is not None  # inserted above, and throttle rows are never deleted mid-request
    if row.window_start + window <= now:
        row.window_start, row.count = now, 0
    row.count += 1
    session.flush()
    return row.count <= limit


def _ensure_row(session: Session, key: str, now: datetime) -> None:
    # Two first attempts at once must not collide on the primary key (PostgreSQL) and, on SQLite,
    # writing first takes the write lock at once instead of failing to upgrade a read lock.
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Throttle).values(key=key, window_start=now, count=0)
    session.execute(statement.on_conflict_do_nothing(index_elements=["key"]))
