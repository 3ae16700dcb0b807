"""Calendar arithmetic the rules share: whole months, as guidance words its windows."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """Return the same day `months` calendar months later (earlier if negative).

    A day the target month lacks falls back to that month's last day: 29 February plus twelve
    months is 28 February, and 31 May less three months is 28 (or 29) February.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
