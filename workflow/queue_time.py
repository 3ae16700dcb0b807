"""Due times and working-day ages for the queue, from workflow.deadlines when it is there.

The reminders work adds `Referral.due_at` and `workflow.deadlines`; until both exist the queue
shows ages from its own working-day count and no due times, and the overdue filter finds nothing.
"""

from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import holidays
import sqlalchemy as sa
from sqlmodel import col

from workflow.models import Referral


def due_column() -> Any:
    """Return the due-time column to filter and sort by, or a typed NULL before it exists."""
    column = getattr(Referral, "due_at", None)
    if column is None:
        return sa.cast(sa.null(), sa.DateTime(timezone=True))
    return col(column)


def due_of(referral: Referral) -> datetime | None:
    """Return when the referral's current step is due, if a due time is kept."""
    due: datetime | None = getattr(referral, "due_at", None)
    return due


def is_overdue(referral: Referral, now: datetime) -> bool:
    """Say whether the referral's current step is past its due time."""
    due = due_of(referral)
    return due is not None and due < now


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def working_days_between(start: date, end: date) -> int:
    """Count working days after `start` up to and including `end` (England bank holidays)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in _bank_holidays(day.year):
            count += 1
    return count


def working_age(referral: Referral, now: datetime) -> int:
    """Return how many working days ago the referral was received."""
    return working_days_between(referral.received_at.date(), now.date())
