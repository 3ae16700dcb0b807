"""Repeat MARAC and the referral date through the real intake: London dates, the boundary day."""

from datetime import UTC, date, datetime

from tests.factories import make_referral
from workflow.db import Database
from workflow.matching import received_on
from workflow.models import Referral


def outcomes(referral: Referral) -> dict[str, str]:
    return {o["rule"]: o["result"] for o in referral.rule_outcomes}


def test_the_referral_date_is_the_london_date() -> None:
    # 23:30 UTC on 31 March 2026 is 00:30 BST on 1 April; in winter UTC and London agree.
    summer = Referral(received_at=datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    winter = Referral(received_at=datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    naive = Referral(received_at=datetime(2026, 6, 30, 23, 30))  # some drivers drop the zone
    assert received_on(summer) == date(2026, 4, 1)
    assert received_on(winter) == date(2026, 11, 30)
    assert received_on(naive) == date(2026, 7, 1)


def test_a_repeat_on_the_last_day_of_the_window_in_london(database: Database) -> None:
    # Last MARAC referral 10 April 2025 (London); the new one at 00:30 BST on 10 April 2026,
    # still 9 April in UTC. Twelve months to the day, London time: a repeat.
    make_referral(database, received_at=datetime(2025, 4, 10, 9, 0, tzinfo=UTC))
    later = make_referral(database, received_at=datetime(2026, 4, 9, 23, 30, tzinfo=UTC))
    assert outcomes(later)["repeat_marac"] == "met"
    assert later.details["repeat_of"].startswith("REF-")


def test_the_day_after_the_window_is_not_a_repeat(database: Database) -> None:
    # The earlier referral came at 23:30 UTC on 9 April 2025, which is 10 April in London; the
    # new one at 00:30 BST on 11 April 2026: one day past twelve months, whatever the hours.
    make_referral(database, received_at=datetime(2025, 4, 9, 23, 30, tzinfo=UTC))
    later = make_referral(database, received_at=datetime(2026, 4, 10, 23, 30, tzinfo=UTC))
    assert outcomes(later)["repeat_marac"] == "not_met"
    assert "repeat_of" not in later.details


def test_the_window_ignores_the_time_of_day(database: Database) -> None:
    # Earlier referral late on 5 January 2025, the new one early on 5 January 2026: same day.
    make_referral(database, received_at=datetime(2025, 1, 5, 16, 0, tzinfo=UTC))
    later = make_referral(database, received_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    assert outcomes(later)["repeat_marac"] == "met"


def test_a_further_incident_inside_the_window_makes_a_late_referral_a_repeat(
    database: Database,
) -> None:
    make_referral(database, received_at=datetime(2025, 3, 2, 10, 0, tzinfo=UTC))
    later = make_referral(
        database,
        received_at=datetime(2026, 3, 20, 10, 0, tzinfo=UTC),
        last_incident=date(2026, 3, 1),
    )
    assert outcomes(later)["repeat_marac"] == "met"


def test_a_second_referral_about_the_same_incident_is_checked_not_a_repeat(
    database: Database,
) -> None:
    # Another agency refers the incident MARAC already has: a possible duplicate, for a person.
    make_referral(database, received_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    later = make_referral(
        database,
        received_at=datetime(2026, 3, 9, 10, 0, tzinfo=UTC),
        last_incident=date(2026, 2, 28),
    )
    assert outcomes(later)["repeat_marac"] == "check"
    assert "repeat_of" not in later.details
