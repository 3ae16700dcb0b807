"""Working time, counted once: working days, office hours, and how late something is in words.

Time is counted in office hours on working days in London (weekends and England and Wales bank
holidays from the `holidays` package are not working days), so "1 working day" from Friday 15:00
is Monday 15:00, and a referral received at 18:00 starts its clock at the next opening time.
Wall-clock office hours are used on each day, so the change to or from British Summer Time moves
the UTC instant, not the local time a step is due. The office hours are the local policy's
(`Policy.office_opens`, `Policy.office_closes`; docs/domain.md).
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from workflow.policy import CAMBS, Policy

LONDON = ZoneInfo("Europe/London")


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    """Say whether `day` is a weekday that is not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def aware(moment: datetime) -> datetime:
    """Return `moment` as an aware datetime: some drivers hand back naive UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def london_date(moment: datetime | date) -> date:
    """Return the London calendar date of an instant (a date is returned as it is)."""
    if isinstance(moment, datetime):
        return aware(moment).astimezone(LONDON).date()
    return moment


def _office(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LONDON)


def add_working_days(start: datetime, days: int, policy: Policy = CAMBS) -> datetime:
    """Return the UTC instant `days` working days of office time after `start`."""
    remaining = (
        datetime.combine(date.min, policy.office_closes)
        - datetime.combine(date.min, policy.office_opens)
    ) * days
    cursor = aware(start).astimezone(LONDON)
    day = cursor.date()
    while True:
        if is_working_day(day):
            opens, closes = _office(day, policy.office_opens), _office(day, policy.office_closes)
            begin = max(cursor, opens)
            if begin < closes or (begin == closes and not remaining):
                available = closes - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(UTC)
                remaining -= available
        day += timedelta(days=1)
        cursor = _office(day, time(0))


def working_days_between(start: datetime | date, end: datetime | date) -> int:
    """Count working days after `start`'s London date up to and including `end`'s.

    Whole weeks are counted at a time, so a referral open for years costs a queue page no more
    than a new one.
    """
    first, last = london_date(start), london_date(end)
    if last <= first:
        return 0
    weeks, rest = divmod((last - first).days, 7)
    count = weeks * 5
    count += sum((first + timedelta(days=n)).weekday() < 5 for n in range(1, rest + 1))
    for year in range(first.year, last.year + 1):
        count -= sum(first < day <= last and day.weekday() < 5 for day in _bank_holidays(year))
    return count


def overdue_by(due_at: datetime | None, now: datetime) -> timedelta:
    """Return how long past `due_at` it is at `now` (zero when not yet due, or no due time)."""
    if due_at is None:
        return timedelta(0)
    return max(aware(now) - aware(due_at), timedelta(0))


def how_late(due_at: datetime | None, now: datetime) -> str:
    """Say how late something due at `due_at` is, e.g. "2 working days"; empty when not late.

    Whole working days once there is at least one, else hours, else minutes (at least one):
    the one wording of lateness for pages, the queue and reminder mail.
    """
    late = overdue_by(due_at, now)
    if due_at is None or not late:
        return ""
    days = working_days_between(due_at, now)
    if days >= 1:
        return f"{days} working day{'s' if days != 1 else ''}"
    hours, minutes = divmod(int(late.total_seconds()) // 60, 60)
    if hours:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{max(minutes, 1)} minute{'s' if minutes > 1 else ''}"
