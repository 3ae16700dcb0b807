"""Due times and working-day ages as the queue shows them, from workflow.deadlines.steps.

The reminders work keeps each open referral's current deadline in `Referral.due_at`/`due_kind`,
so the queue can filter and sort by it in SQL; this module only reads and words it.
"""

from datetime import datetime
from typing import Any

from sqlmodel import col

from workflow.deadlines import steps, working_time
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
    return bool(working_time.overdue_by(due_of(referral), now))


def step_label(referral: Any) -> str:
    """Name the step the referral waits for, e.g. "consent check"."""
    try:
        return steps.KIND_LABELS[steps.DeadlineKind(referral.due_kind)]
    except ValueError:
        return ""


def lateness(referral: Any, now: datetime) -> str:
    """Say how late the current step is, e.g. "2 working days"; empty when not overdue."""
    return working_time.how_late(due_of(referral), now)


def working_age(referral: Any, now: datetime) -> int:
    """Return how many working days ago (London dates) the referral was received."""
    return working_time.working_days_between(referral.received_at, now)
