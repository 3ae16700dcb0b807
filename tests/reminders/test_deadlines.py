"""Working-day arithmetic in London time, and each open referral's current deadline."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_referral, record_first_contact
from workflow.deadlines.steps import DeadlineKind, current_deadline, describe_overdue, overdue_by
from workflow.deadlines.working_time import add_working_days, working_days_between
from workflow.models import Referral
from workflow.models.referral import Pathway
from workflow.policy import CAMBS, DeadlineRule, Policy
from workflow.referrals.states import State
from workflow.store.db import Database

LONDON = ZoneInfo("Europe/London")


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Friday afternoon: the weekend is not counted.
        (london(2026, 11, 27, 15, 0), 1, london(2026, 11, 30, 15, 0)),
        (london(2026, 11, 27, 15, 0), 2, london(2026, 12, 1, 15, 0)),
        # After hours and at the weekend the clock starts at the next opening.
        (london(2026, 11, 27, 18, 30), 1, london(2026, 11, 30, 17, 0)),
        (london(2026, 11, 28, 11, 0), 1, london(2026, 11, 30, 17, 0)),
        (london(2026, 11, 30, 7, 0), 1, london(2026, 11, 30, 17, 0)),
        # Christmas 2026: 25 (Fri) and 28 (Mon, Boxing Day observed) December are bank holidays.
        (london(2026, 12, 24, 14, 0), 1, london(2026, 12, 29, 14, 0)),
        (london(2026, 12, 24, 14, 0), 2, london(2026, 12, 30, 14, 0)),
        # British Summer Time ends on Sunday 25 October 2026: due at the same London time.
        (london(2026, 10, 23, 15, 0), 1, london(2026, 10, 26, 15, 0)),
        # 20 working days for a review, across the Easter 2026 bank holidays (3 and 6 April).
        (london(2026, 3, 30, 10, 0), 20, london(2026, 4, 29, 10, 0)),
    ],
)
def test_working_days_count_office_time(start: datetime, days: int, due: datetime) -> None:
    assert add_working_days(start, days) == due


def test_the_end_of_summer_time_shifts_the_utc_instant_not_the_office_hour() -> None:
    due = add_working_days(london(2026, 10, 23, 15, 0), 1)
    assert due == datetime(2026, 10, 26, 15, 0, tzinfo=UTC)  # 15:00 GMT, not 14:00
    assert due - london(2026, 10, 23, 15, 0) == timedelta(days=3, hours=1)


def test_working_days_between_skips_weekends_and_bank_holidays() -> None:
    assert working_days_between(london(2026, 12, 24, 9), london(2026, 12, 29, 9)) == 1
    assert working_days_between(london(2026, 11, 27, 9), london(2026, 11, 30, 9)) == 1
    assert working_days_between(london(2026, 11, 27, 9), london(2026, 11, 27, 16)) == 0


def test_overdue_is_zero_before_the_due_time_and_described_in_words() -> None:
    due = london(2026, 11, 30, 15, 0)
    assert overdue_by(due, due - timedelta(minutes=1)) == timedelta(0)
    assert overdue_by(due, due + timedelta(minutes=5)) == timedelta(minutes=5)
    assert describe_overdue(due, due + timedelta(minutes=5)) == "5 minutes"
    assert describe_overdue(due, due + timedelta(hours=3)) == "3 hours"
    assert describe_overdue(due, london(2026, 12, 2, 10, 0)) == "2 working days"
    assert describe_overdue(due, due - timedelta(hours=1)) == "not overdue"


def test_a_new_referral_is_due_its_consent_check_in_one_working_day(database: Database) -> None:
    referral = make_referral(database, received_at=london(2026, 11, 27, 15, 0))
    assert referral.due_kind == DeadlineKind.CONSENT_CHECK
    assert referral.due_at == london(2026, 11, 30, 15, 0)


def test_allocation_takes_one_day_for_marac_and_high_risk_two_otherwise(database: Database) -> None:
    marac = make_referral(database, received_at=london(2026, 11, 27, 15, 0))
    stalking = make_referral(
        database, pathway=Pathway.STALKING_IDVA, dash_yes=None, received_at=marac.received_at
    )
    for referral in (marac, stalking):
        referral.state = referral.state.__class__("consent_checked")
        referral.state_entered_at = london(2026, 11, 30, 10, 0)
    assert current_deadline(marac, CAMBS).due_at == london(2026, 12, 1, 10, 0)  # type: ignore[union-attr]
    assert current_deadline(stalking, CAMBS).due_at == london(2026, 12, 2, 10, 0)  # type: ignore[union-attr]


def test_the_policy_sets_each_step_per_pathway(database: Database) -> None:
    policy = Policy(deadline_rules=(DeadlineRule("consent_check", 3, pathway="marac"),))
    marac = make_referral(database, policy, received_at=london(2026, 11, 27, 15, 0))
    stalking = make_referral(
        database, policy, Pathway.STALKING_IDVA, None, received_at=london(2026, 11, 27, 15, 0)
    )
    assert marac.due_at == london(2026, 12, 2, 15, 0)
    assert stalking.due_at is None and stalking.due_kind == "none"


def test_each_use_case_keeps_the_stored_deadline_current(database: Database) -> None:
    from tests.factories import actor_for, make_user
    from workflow.models.referral import Consent, Outcome
    from workflow.models.staff import Role
    from workflow.referrals import casework
    from workflow.referrals.casework import ConsentDecision

    coordinator = actor_for(make_user(database, Role.COORDINATOR))
    idva = make_user(database, Role.IDVA)
    referral = make_referral(database)
    assert referral.due_kind == "consent_check"
    with database.uow() as uow:
        done = casework.check_consent(
            uow, coordinator, referral.id, None, ConsentDecision(Consent.GIVEN)
        )
    assert done.due_kind == "allocation" and done.due_at is not None
    assert done.state_entered_at is not None
    with database.uow() as uow:
        done = casework.allocate(uow, coordinator, referral.id, None, idva.id)
    assert done.due_kind == "first_contact"
    assert done.due_at == add_working_days(done.received_at, 2)  # from receipt (issue 15)
    first_contact_due = done.due_at
    with database.uow() as uow:
        done = casework.allocate(uow, coordinator, referral.id, None, idva.id)
    assert done.due_at == first_contact_due  # reallocating keeps the first-contact clock
    with database.uow() as uow:
        record_first_contact(uow, coordinator, referral.id, None)
    with database.uow() as uow:
        done = uow.session.get(Referral, referral.id)  # type: ignore[assignment]
    assert done.due_kind == "review"
    assert done.due_at == add_working_days(done.first_contact_at, 20)  # type: ignore[arg-type]
    with database.uow() as uow:
        done = casework.close(uow, coordinator, referral.id, None, Outcome.SUPPORT_COMPLETED)
    assert done.due_at is None and done.due_kind == ""


def test_the_job_gives_a_due_time_to_open_referrals_from_before_due_times(
    database: Database,
) -> None:
    from sqlmodel import select

    from workflow.deadlines.reminders import backfill_deadlines
    from workflow.models import Referral

    referral = make_referral(database, received_at=london(2026, 11, 27, 15, 0))
    closed = make_referral(database)
    with database.uow() as uow:
        for row in uow.session.exec(select(Referral)):
            row.due_at, row.due_kind = None, ""  # as the migration leaves them
        uow.session.get(Referral, closed.id).state = closed.state.__class__("closed")  # type: ignore[union-attr]
        uow.commit()
    assert backfill_deadlines(database) == 1
    assert backfill_deadlines(database) == 0
    with database.uow() as uow:
        stored = uow.session.get(Referral, referral.id)
        assert stored is not None and stored.due_at == london(2026, 11, 30, 15, 0)


# Issue 15: first contact is due 2 working days from receipt of the referral, whenever it was
# allocated (it counted from allocation, so a referral allocated late got extra days).
@pytest.mark.parametrize(
    ("received", "allocated", "due"),
    [
        (london(2026, 11, 27, 15, 0), london(2026, 11, 27, 16, 0), london(2026, 12, 1, 15, 0)),
        (london(2026, 11, 27, 15, 0), london(2026, 12, 1, 14, 0), london(2026, 12, 1, 15, 0)),
        (london(2026, 11, 27, 15, 0), london(2026, 12, 2, 9, 0), london(2026, 12, 1, 15, 0)),
        (london(2026, 11, 27, 18, 30), london(2026, 11, 30, 9, 0), london(2026, 12, 1, 17, 0)),
        (london(2026, 12, 24, 14, 0), london(2026, 12, 29, 9, 0), london(2026, 12, 30, 14, 0)),
    ],
)
def test_first_contact_is_due_from_receipt_not_allocation(
    received: datetime, allocated: datetime, due: datetime
) -> None:
    referral = Referral(
        received_at=received,
        state=State.ALLOCATED,
        state_entered_at=allocated,
        last_activity_at=allocated,
        pathway=Pathway.MARAC,
    )
    deadline = current_deadline(referral, CAMBS)
    assert deadline is not None and deadline.kind is DeadlineKind.FIRST_CONTACT
    assert (deadline.started_at, deadline.due_at) == (received, due)
