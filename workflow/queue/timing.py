"""Due times and working-day ages as the queue shows them, from workflow.deadlines.steps.

The reminders work keeps each open referral's current deadline in `Referral.due_at`/`due_kind`,
so the queue can filter and sort by it in SQL; this module only reads and words it.
"""

from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import holidays
from sqlmodel import col

from workflow.deadlines import steps
from workflow.models import Referral


def due_column() -> Any:
    """Return the due-time column the queue filters and sorts by."""
    return col(Referral.due_at)


def due_of(referral: Any) -> datetime | None:
    """Return when the referral's current step is due, if it has a deadline."""
    due: datetime | None = referral.due_at
    return due


def is_overdue(referral: Any, now: datetime) -> bool:
    """Say whether the referral's current step is past its due time."""
    return bool(steps.overdue_by(due_of(referral), now))


def step_label(referral: Any) -> str:
    """Name the step the referral waits for, e.g. "consent check"."""
    try:
        return steps.KIND_LABELS[steps.DeadlineKind(referral.due_kind)]
    except ValueError:
        return ""


def lateness(referral: Any, now: datetime) -> str:
    """Say how late the current step is, e.g. "2 working days"; empty when not overdue.

    Worded as workflow.deadlines.steps.describe_overdue words it, counted with the week-at-a-time
    count below: a step years overdue must not cost the page a loop over every day since.
    """
    due = due_of(referral)
    late = steps.overdue_by(due, now)
    if due is None or not late:
        return ""
    days = working_days_between(_london(due), _london(now))
    if days >= 1:
        return f"{days} working day{'s' if days != 1 else ''}"
    hours, minutes = divmod(int(late.total_seconds()) // 60, 60)
    if hours:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{max(minutes, 1)} minute{'s' if minutes > 1 else ''}"


def _london(moment: datetime) -> date:
    return moment.astimezone(steps.LONDON).date()


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def working_days_between(start: date, end: date) -> int:
    """Count working days after `start` up to and including `end` (England bank holidays).

    The same count as workflow.deadlines.steps, but whole weeks at a time, so a referral open for
    years costs a queue page no more than a new one.
    """
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5
    count += sum((start + timedelta(days=n)).weekday() < 5 for n in range(1, rest + 1))
    for year in range(start.year, end.year + 1):
        count -= sum(start < day <= end and day.weekday() < 5 for day in _bank_holidays(year))
    return count


def working_age(referral: Any, now: datetime) -> int:
    """Return how many working days ago (London dates) the referral was received."""
    return working_days_between(_london(referral.received_at), _london(now))
