"""Working days at their edges: England and Wales bank holidays, weekends and office hours."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from workflow.deadlines.working_time import add_working_days, is_working_day

LONDON = ZoneInfo("Europe/London")


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 1), False),  # New Year's Day
        (date(2026, 1, 2), True),  # a Scottish holiday only
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 5, 4), False),  # Early May
        (date(2026, 5, 25), False),  # Spring
        (date(2026, 8, 3), True),  # Scotland's summer holiday, not England's
        (date(2026, 8, 31), False),  # Summer
        (date(2026, 11, 30), True),  # St Andrew's Day is Scotland's
        (date(2026, 12, 28), False),  # Boxing Day substitute
        (date(2027, 3, 17), True),  # St Patrick's Day is Northern Ireland's
        (date(2027, 12, 27), False),  # Christmas substitute
        (date(2027, 12, 28), False),  # Boxing Day substitute
        (date(2022, 9, 19), False),  # the State Funeral, a one-off
        (date(2023, 5, 8), False),  # the Coronation, a one-off
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
    ],
)
def test_england_and_wales_working_days(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # At opening the whole day counts; at closing the next day begins the count.
        (london(2026, 11, 30, 9, 0), 1, london(2026, 11, 30, 17, 0)),
        (london(2026, 11, 30, 17, 0), 1, london(2026, 12, 1, 17, 0)),
        (london(2026, 11, 30, 16, 59), 1, london(2026, 12, 1, 16, 59)),
        (london(2026, 11, 30, 8, 59), 2, london(2026, 12, 1, 17, 0)),
        # Received Thursday 24 December 2026 after hours: 28 December is a holiday.
        (london(2026, 12, 24, 17, 30), 2, london(2026, 12, 30, 17, 0)),
        # Across the two substitute days of Christmas 2027 (27 and 28 December).
        (london(2027, 12, 24, 10, 0), 1, london(2027, 12, 29, 10, 0)),
        # British Summer Time begins on Sunday 29 March 2026: the same London hour on Monday.
        (london(2026, 3, 27, 11, 0), 1, london(2026, 3, 30, 11, 0)),
    ],
)
def test_working_days_at_the_edges(start: datetime, days: int, due: datetime) -> None:
    assert add_working_days(start, days) == due
