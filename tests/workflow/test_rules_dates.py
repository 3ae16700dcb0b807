"""Repeat MARAC and the referral date through the real intake: London dates, the boundary day."""

from datetime import UTC, date, datetime

import pytest

from tests.factories import make_referral
from workflow.models import Referral
from workflow.models.referral import Outcome
from workflow.referrals.matching import received_on
from workflow.store.db import Database


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
    # Last MARAC referral 10 April 2025 (London); a further incident on 10 April 2026, referred
    # at 00:30 BST that night, still 9 April in UTC. Twelve months to the day, London time.
    make_referral(database, received_at=datetime(2025, 4, 10, 9, 0, tzinfo=UTC))
    later = make_referral(
        database,
        received_at=datetime(2026, 4, 9, 23, 30, tzinfo=UTC),
        last_incident=date(2026, 4, 10),
    )
    assert outcomes(later)["repeat_marac"] == "met"
    assert later.details["repeat_of"].startswith("REF-")


def test_the_day_after_the_window_is_not_a_repeat(database: Database) -> None:
    # The earlier referral came at 23:30 UTC on 9 April 2025, which is 10 April in London; the
    # further incident on 11 April 2026: one day past twelve months, whatever the hours.
    make_referral(database, received_at=datetime(2025, 4, 9, 23, 30, tzinfo=UTC))
    later = make_referral(
        database,
        received_at=datetime(2026, 4, 10, 23, 30, tzinfo=UTC),
        last_incident=date(2026, 4, 11),
    )
    assert outcomes(later)["repeat_marac"] == "not_met"
    assert "repeat_of" not in later.details


def test_the_window_ignores_the_time_of_day(database: Database) -> None:
    # Earlier referral late on 5 January 2025, the incident and new referral on 5 January 2026.
    make_referral(database, received_at=datetime(2025, 1, 5, 16, 0, tzinfo=UTC))
    later = make_referral(
        database,
        received_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
        last_incident=date(2026, 1, 5),
    )
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


# Issue 15: each of these was "met" on the referral date, setting the MARAC criterion that lets
# a case past the consent guard. A DASH of 10 meets no other criterion, so the flag must stay off.
@pytest.mark.parametrize(
    ("incident", "second_received"),
    [
        (date(2026, 2, 28), datetime(2026, 3, 9, 10, 0, tzinfo=UTC)),  # before the first
        (date(2026, 3, 2), datetime(2026, 3, 2, 15, 0, tzinfo=UTC)),  # same day, hospital too
        (date(2026, 3, 2), datetime(2026, 3, 3, 10, 0, tzinfo=UTC)),  # same incident, next day
        (None, datetime(2026, 3, 3, 10, 0, tzinfo=UTC)),  # mailed, no incident date
    ],
)
def test_a_second_referral_about_the_same_incident_is_checked_not_a_repeat(
    database: Database, incident: date | None, second_received: datetime
) -> None:
    make_referral(database, received_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    later = make_referral(
        database,
        dash_yes=10,
        police_incidents_12m=0,
        received_at=second_received,
        last_incident=incident,
    )
    assert outcomes(later)["repeat_marac"] == "check"
    assert "repeat_of" not in later.details
    assert later.marac_criteria_met is False


def _close(database: Database, referral: Referral, outcome: Outcome) -> None:
    with database.uow() as uow:
        stored = uow.session.get(Referral, referral.id)
        assert stored is not None
        stored.outcome = outcome
        uow.commit()


@pytest.mark.parametrize(
    ("outcome", "counts"),
    [
        (Outcome.DUPLICATE, False),
        (Outcome.NOT_ELIGIBLE, False),
        (Outcome.REFERRED_ELSEWHERE, False),
        (Outcome.HEARD_AT_MARAC, True),
        (Outcome.SUPPORT_COMPLETED, True),
        (Outcome.NO_CONSENT, True),
        (None, True),  # still open
    ],
)
def test_only_an_earlier_referral_that_stood_opens_the_window(
    database: Database, outcome: Outcome | None, counts: bool
) -> None:
    first = make_referral(database, received_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC))
    if outcome is not None:
        _close(database, first, outcome)
    later = make_referral(
        database,
        dash_yes=10,
        police_incidents_12m=0,
        received_at=datetime(2026, 6, 1, 10, 0, tzinfo=UTC),
        last_incident=date(2026, 5, 30),
    )
    assert outcomes(later)["repeat_marac"] == ("met" if counts else "not_met")
    assert later.marac_criteria_met is counts


def test_a_closed_duplicate_falls_back_to_the_referral_it_duplicated(database: Database) -> None:
    # Police refer on 5 January; the hospital's referral of 20 March is closed as a duplicate.
    # A further incident on 10 January 2027 is inside the duplicate's window (to 20 March 2027)
    # but not January's (to 5 January 2027): only the referral that stood decides.
    make_referral(database, received_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC))
    duplicate = make_referral(database, received_at=datetime(2026, 3, 20, 10, 0, tzinfo=UTC))
    _close(database, duplicate, Outcome.DUPLICATE)
    later = make_referral(
        database,
        received_at=datetime(2027, 1, 12, 10, 0, tzinfo=UTC),
        last_incident=date(2027, 1, 10),
    )
    assert outcomes(later)["repeat_marac"] == "not_met"
    assert "2026-01-05" in _reason(later, "repeat_marac")


def test_a_referral_linked_as_a_duplicate_does_not_count(database: Database) -> None:
    first = make_referral(database, received_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC))
    linked = make_referral(database, received_at=datetime(2026, 3, 20, 10, 0, tzinfo=UTC))
    with database.uow() as uow:
        stored = uow.session.get(Referral, linked.id)
        assert stored is not None
        stored.duplicate_of_id = first.id
        uow.commit()
    later = make_referral(
        database,
        received_at=datetime(2027, 1, 12, 10, 0, tzinfo=UTC),
        last_incident=date(2027, 1, 10),
    )
    assert "2026-01-05" in _reason(later, "repeat_marac")


def _reason(referral: Referral, rule: str) -> str:
    return next(str(o["reason"]) for o in referral.rule_outcomes if o["rule"] == rule)
