"""The sitting calendar: the recurring pattern (a setting), bank holidays skipped, and working
days counted back from a sitting for the agenda's release.

The Cambs pattern in docs/domain.md is still to be confirmed, so it is configuration: a weekday,
every so many weeks, counted from one known sitting date. A sitting that would fall on a day that
is not a working day (an England and Wales bank holiday) is not held; it is not moved either —
the coordinator adds a one-off sitting if the area wants one.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from workflow.deadlines.working_time import is_working_day

# The defaults of MARAC_MINUTES_WORKING_DAYS and MARAC_HEARD_WITHIN_WORKING_DAYS (config.py):
# minutes out within 3 working days (docs/domain.md); heard within two weeks of receipt.
MINUTES_WORKING_DAYS = 3
HEARD_WITHIN_WORKING_DAYS = 10

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class SittingPattern:
    """When MARAC sits: `weekday` (0 Monday) every `every_weeks` weeks, in step with `anchor`."""

    weekday: int = 1
    every_weeks: int = 2
    anchor: date = date(2026, 1, 6)  # a Tuesday: sittings fall on it and every_weeks apart
    capacity: int = 15
    chair: str = ""
    # Agency representatives see the agenda from this many working days before the sitting...
    release_working_days: int = 5
    # ...until this many days after it (the minutes and actions are shared in that time).
    access_days_after: int = 7
    # The minutes and action plan go to the invited agencies within this many working days of
    # the hearing; the reminder job tells the coordinator when they have not (docs/domain.md).
    minutes_working_days: int = MINUTES_WORKING_DAYS
    # A listed case should be heard within this many working days of its receipt; the queue
    # flags a MARAC referral not heard by then.
    heard_within_working_days: int = HEARD_WITHIN_WORKING_DAYS

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("The sitting weekday must be 0 (Monday) to 6 (Sunday).")
        if self.every_weeks < 1:
            raise ValueError("Sittings must be at least one week apart.")
        if self.anchor.weekday() != self.weekday:
            raise ValueError(
                f"The first sitting date {self.anchor.isoformat()} is not a "
                f"{WEEKDAYS[self.weekday].title()}."
            )
        if self.capacity < 1:
            raise ValueError("A sitting must have room for at least one case.")


def parse_weekday(text: str) -> int:
    """Return 0-6 for a weekday's English name (or its first three letters)."""
    word = text.strip().lower()
    for number, name in enumerate(WEEKDAYS):
        if word in (name, name[:3]):
            return number
    raise ValueError(f"Not a weekday: {text!r}.")


def sitting_pattern(settings: Mapping[str, Any]) -> SittingPattern:
    """Return the pattern the MARAC_* settings describe (config.py), or raise ValueError."""
    try:
        anchor = date.fromisoformat(str(settings["MARAC_SITTING_FIRST_DATE"]))
    except ValueError:
        raise ValueError("MARAC_SITTING_FIRST_DATE must be a date such as 2026-01-06.") from None
    if int(settings["MARAC_AGENDA_RELEASE_WORKING_DAYS"]) < 0:
        raise ValueError("MARAC_AGENDA_RELEASE_WORKING_DAYS cannot be negative.")
    for name in (
        "MARAC_AGENCY_ACCESS_DAYS_AFTER",
        "MARAC_MINUTES_WORKING_DAYS",
        "MARAC_HEARD_WITHIN_WORKING_DAYS",
    ):
        if int(settings.get(name, 0)) < 0:
            raise ValueError(f"{name} cannot be negative.")
    return SittingPattern(
        weekday=parse_weekday(str(settings["MARAC_SITTING_WEEKDAY"])),
        every_weeks=int(settings["MARAC_SITTING_EVERY_WEEKS"]),
        anchor=anchor,
        capacity=int(settings["MARAC_SITTING_CAPACITY"]),
        chair=str(settings["MARAC_SITTING_CHAIR"]),
        release_working_days=int(settings["MARAC_AGENDA_RELEASE_WORKING_DAYS"]),
        access_days_after=int(settings["MARAC_AGENCY_ACCESS_DAYS_AFTER"]),
        minutes_working_days=int(settings.get("MARAC_MINUTES_WORKING_DAYS", MINUTES_WORKING_DAYS)),
        heard_within_working_days=int(
            settings.get("MARAC_HEARD_WITHIN_WORKING_DAYS", HEARD_WITHIN_WORKING_DAYS)
        ),
    )


def sitting_dates(pattern: SittingPattern, start: date, end: date) -> list[date]:
    """Return the pattern's sitting dates from `start` to `end` inclusive, holidays skipped."""
    period = 7 * pattern.every_weeks
    offset = (start - pattern.anchor).days % period
    day = start + timedelta(days=(period - offset) % period)
    found = []
    while day <= end:
        if is_working_day(day):
            found.append(day)
        day += timedelta(days=period)
    return found


def working_days_before(day: date, count: int) -> date:
    """Return the working day `count` working days before `day` (not counting `day` itself)."""
    cursor = day
    while count > 0:
        cursor -= timedelta(days=1)
        if is_working_day(cursor):
            count -= 1
    return cursor


def working_days_after(day: date, count: int) -> date:
    """Return the working day `count` working days after `day` (not counting `day` itself)."""
    cursor = day
    while count > 0:
        cursor += timedelta(days=1)
        if is_working_day(cursor):
            count -= 1
    return cursor
