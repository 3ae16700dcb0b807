"""Fixed-window rate limits: how many attempts one client may make in a period."""

from datetime import datetime, timedelta

from sqlmodel import Session

from workflow.models import utcnow
from workflow.models.throttle import Throttle


def allow(
    session: Session, key: str, limit: int, window: timedelta, now: datetime | None = None
) -> bool:
    """Count one attempt for `key` and say whether it is within the limit; caller commits."""
    now = now or utcnow()
    row = session.get(Throttle, key, with_for_update=True)
    if row is None:
        row = Throttle(key=key[:200], window_start=now, count=0)
        session.add(row)
    elif row.window_start + window <= now:
        row.window_start, row.count = now, 0
    row.count += 1
    session.flush()
    return row.count <= limit
