"""The sitting calendar: the recurring pattern, bank holidays skipped, working days back."""

from datetime import date

import pytest

from workflow.meetings.calendar import (
    SittingPattern,
    parse_weekday,
    sitting_dates,
    sitting_pattern,
    working_days_before,
)

FORTNIGHTLY_TUESDAY = SittingPattern(weekday=1, every_weeks=2, anchor=date(2026, 1, 6))
WEEKLY_MONDAY = SittingPattern(weekday=0, every_weeks=1, anchor=date(2027, 1, 4))


@pytest.mark.parametrize(
    ("pattern", "start", "end", "expected"),
    [
        # In step with the anchor, both ends inclusive.
        (
            FORTNIGHTLY_TUESDAY,
            date(2027, 3, 1),
            date(2027, 3, 30),
            [date(2027, 3, 2), date(2027, 3, 16), date(2027, 3, 30)],
        ),
        # Starting on an off week finds the next in-step Tuesday.
        (FORTNIGHTLY_TUESDAY, date(2027, 3, 3), date(2027, 3, 17), [date(2027, 3, 16)]),
        # Before the anchor too.
        (FORTNIGHTLY_TUESDAY, date(2025, 12, 20), date(2025, 12, 31), [date(2025, 12, 23)]),
        # Easter Monday (29 March 2027) and the early May bank holiday (3 May) are not held.
        (
            WEEKLY_MONDAY,
            date(2027, 3, 22),
            date(2027, 5, 10),
            [
                date(2027, 3, 22),
                date(2027, 4, 5),
                date(2027, 4, 12),
                date(2027, 4, 19),
                date(2027, 4, 26),
                date(2027, 5, 10),
            ],
        ),
        # Boxing Day 2028 falls on a Tuesday in step: skipped, not moved.
        (
            SittingPattern(weekday=1, every_weeks=1, anchor=date(2028, 12, 19)),
            date(2028, 12, 19),
            date(2029, 1, 2),
            [date(2028, 12, 19), date(2029, 1, 2)],
        ),
        (FORTNIGHTLY_TUESDAY, date(2027, 3, 3), date(2027, 3, 15), []),
    ],
)
def test_sitting_dates(
    pattern: SittingPattern, start: date, end: date, expected: list[date]
) -> None:
    assert sitting_dates(pattern, start, end) == expected


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2027, 3, 16), 5, date(2027, 3, 9)),  # a plain week
        (date(2027, 3, 30), 2, date(2027, 3, 24)),  # over Easter Monday and Good Friday
        (date(2027, 3, 16), 0, date(2027, 3, 16)),
    ],
)
def test_working_days_before(day: date, count: int, expected: date) -> None:
    assert working_days_before(day, count) == expected


def test_a_pattern_whose_anchor_is_not_its_weekday_is_refused() -> None:
    with pytest.raises(ValueError, match="is not a Tuesday"):
        SittingPattern(weekday=1, anchor=date(2026, 1, 7))
    with pytest.raises(ValueError, match="at least one week"):
        SittingPattern(every_weeks=0)
    with pytest.raises(ValueError, match="at least one case"):
        SittingPattern(capacity=0)


def test_weekday_names() -> None:
    assert parse_weekday("Tuesday") == 1 and parse_weekday(" wed ") == 2
    with pytest.raises(ValueError, match="Not a weekday"):
        parse_weekday("Tuesdays")


def test_the_pattern_comes_from_the_settings_and_a_bad_one_stops_the_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import config

    monkeypatch.setenv("MARAC_SITTING_WEEKDAY", "Thursday")
    monkeypatch.setenv("MARAC_SITTING_EVERY_WEEKS", "4")
    monkeypatch.setenv("MARAC_SITTING_FIRST_DATE", "2027-01-07")
    monkeypatch.setenv("MARAC_SITTING_CAPACITY", "25")
    monkeypatch.setenv("MARAC_AGENDA_RELEASE_WORKING_DAYS", "3")
    settings = config.load({"SECRET_KEY": "x"})
    pattern = sitting_pattern(settings)
    assert (pattern.weekday, pattern.every_weeks, pattern.capacity) == (3, 4, 25)
    assert pattern.release_working_days == 3 and pattern.access_days_after == 7
    monkeypatch.setenv("MARAC_SITTING_FIRST_DATE", "2027-01-08")
    with pytest.raises(config.ConfigurationError, match="is not a Thursday"):
        config.load({"SECRET_KEY": "x"})
    monkeypatch.setenv("MARAC_SITTING_FIRST_DATE", "soon")
    with pytest.raises(config.ConfigurationError, match="MARAC_SITTING_FIRST_DATE"):
        config.load({"SECRET_KEY": "x"})
