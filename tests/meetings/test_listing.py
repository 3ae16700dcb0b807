"""Listing, adjourning and re-listing against a real database: the next sitting with space, the
coordinator's choice, capacity, history kept, audit on the referral and optimistic locking."""

from datetime import date

import pytest
from sqlmodel import col, select

from tests.factories import actor_for, make_referral, make_user
from tests.meetings.support import FIRST, PATTERN, SECOND, THIRD, TODAY, checked_referral
from workflow.actors import Actor
from workflow.errors import GuardFailed, PermissionDenied, StaleReferral, TransitionNotAllowed
from workflow.meetings import listing as listings
from workflow.meetings import sittings
from workflow.meetings.models import ListingChange, MaracListing, MaracSitting, MeetingState
from workflow.models import AuditEvent, Referral
from workflow.models.referral import Pathway
from workflow.models.staff import Role
from workflow.store.db import Database


def list_case(database: Database, actor: Actor, referral: Referral, **kw: object) -> MaracListing:
    with database.uow() as uow:
        return listings.list_referral(
            uow,
            actor,
            referral.id or 0,
            referral.version,
            PATTERN,
            TODAY,
            **kw,  # type: ignore[arg-type]
        )


def sitting_day(database: Database, listing: MaracListing) -> date:
    with database.uow() as uow:
        sitting = uow.session.get(MaracSitting, listing.sitting_id)
        assert sitting is not None
        return sitting.sits_on


def changes(database: Database, listing_id: int) -> list[tuple[str | None, str, str]]:
    with database.uow() as uow:
        rows = uow.session.exec(
            select(ListingChange)
            .where(col(ListingChange.listing_id) == listing_id)
            .order_by(col(ListingChange.id))
        )
        return [(r.from_state and r.from_state.value, r.to_state.value, r.event) for r in rows]


def test_cases_fill_the_next_sitting_then_the_one_after(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    found = []
    for _ in range(3):
        listing = list_case(database, coordinator, checked_referral(database, coordinator))
        found.append(sitting_day(database, listing))
    # Capacity 2: the third case goes on the second sitting.
    assert found == [FIRST, FIRST, SECOND]


def test_listing_sets_the_referrals_meeting_date_and_audits_it(
    database: Database, coordinator
) -> None:  # type: ignore[no-untyped-def]
    referral = checked_referral(database, coordinator)
    listing = list_case(database, coordinator, referral)
    with database.uow() as uow:
        stored = uow.session.get(Referral, referral.id)
        assert stored is not None and stored.meeting_date == FIRST
        assert stored.version > referral.version
        event = uow.session.exec(
            select(AuditEvent)
            .where(
                col(AuditEvent.object_type) == "referral", col(AuditEvent.object_id) == referral.id
            )
            .order_by(col(AuditEvent.id).desc())
        ).first()
    assert event is not None and event.summary.startswith("marac list: none -> listed")
    assert event.after and event.after["meeting_date"] == FIRST.isoformat()
    assert changes(database, listing.id or 0) == [(None, "listed", "list")]


def test_the_coordinator_may_choose_another_sitting(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    list_case(database, coordinator, checked_referral(database, coordinator))  # makes the sittings
    with database.uow() as uow:
        third = uow.session.exec(
            select(MaracSitting).where(col(MaracSitting.sits_on) == THIRD)
        ).one()
    listing = list_case(
        database, coordinator, checked_referral(database, coordinator), sitting_id=third.id
    )
    assert sitting_day(database, listing) == THIRD


def test_a_full_or_past_sitting_cannot_be_chosen(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    first = list_case(database, coordinator, checked_referral(database, coordinator))
    list_case(database, coordinator, checked_referral(database, coordinator))
    with pytest.raises(GuardFailed, match="is full"):
        list_case(
            database,
            coordinator,
            checked_referral(database, coordinator),
            sitting_id=first.sitting_id,
        )
    with database.uow() as uow:
        past = sittings.add_one_off(uow, coordinator, date(2027, 2, 1), 5, "", date(2027, 1, 1))
    with pytest.raises(GuardFailed, match="already taken place"):
        list_case(
            database, coordinator, checked_referral(database, coordinator), sitting_id=past.id
        )


def test_a_one_off_sitting_is_used_when_it_comes_first(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    with database.uow() as uow:
        extra = sittings.add_one_off(uow, coordinator, date(2027, 3, 9), 1, "DI Shah", TODAY)
    assert extra.one_off
    days = [
        sitting_day(
            database, list_case(database, coordinator, checked_referral(database, coordinator))
        )
        for _ in range(4)
    ]
    assert days == [FIRST, FIRST, date(2027, 3, 9), SECOND]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        ("stalking", "Only a MARAC referral"),
        ("unchecked", "Check consent before listing"),
        ("twice", "already listed"),
    ],
)
def test_listing_guards(database: Database, coordinator, make: str, message: str) -> None:  # type: ignore[no-untyped-def]
    if make == "stalking":
        referral = checked_referral(
            database, coordinator, pathway=Pathway.STALKING_IDVA, dash_yes=None
        )
    elif make == "unchecked":
        referral = make_referral(database)
    else:
        referral = checked_referral(database, coordinator)
        list_case(database, coordinator, referral)
        with database.uow() as uow:
            referral = uow.session.get(Referral, referral.id)  # type: ignore[assignment]
    with pytest.raises(GuardFailed, match=message):
        list_case(database, coordinator, referral)


def test_only_meeting_staff_list_and_a_stale_version_is_refused(
    database: Database, coordinator
) -> None:  # type: ignore[no-untyped-def]
    referral = checked_referral(database, coordinator)
    idva = actor_for(make_user(database, Role.IDVA))
    with pytest.raises(PermissionDenied):
        list_case(database, idva, referral)
    with database.uow() as uow, pytest.raises(StaleReferral):
        listings.list_referral(
            uow, coordinator, referral.id or 0, referral.version - 1, PATTERN, TODAY
        )


def test_adjourning_relists_on_a_later_sitting_and_keeps_the_history(
    database: Database, coordinator
) -> None:  # type: ignore[no-untyped-def]
    referral = checked_referral(database, coordinator)
    first = list_case(database, coordinator, referral)
    with database.uow() as uow:
        second = listings.adjourn(
            uow, coordinator, first.id or 0, first.version, "Police research late", PATTERN, TODAY
        )
    assert second.id != first.id and second.relisted_from_id == first.id
    assert sitting_day(database, second) == SECOND
    assert changes(database, first.id or 0) == [
        (None, "listed", "list"),
        ("listed", "adjourned", "adjourn"),
    ]
    assert changes(database, second.id or 0) == [(None, "listed", "list")]
    with database.uow() as uow:
        history = listings.listings_of(uow.session, referral.id or 0)
        assert [(h.state, h.sitting_id) for h in history] == [
            (MeetingState.ADJOURNED, first.sitting_id),
            (MeetingState.LISTED, second.sitting_id),
        ]
        # The adjourned case no longer holds its place on the first sitting.
        assert sittings.listed_count(uow.session, first.sitting_id) == 0


def test_adjourn_without_a_date_then_relist(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    referral = checked_referral(database, coordinator)
    first = list_case(database, coordinator, referral)
    with database.uow() as uow:
        adjourned = listings.adjourn(
            uow,
            coordinator,
            first.id or 0,
            first.version,
            "Victim in hospital",
            PATTERN,
            TODAY,
            relist=False,
        )
    assert adjourned.state is MeetingState.ADJOURNED
    with database.uow() as uow:
        third = listings.next_sitting_with_space(uow.session, PATTERN, TODAY, after=SECOND)
        uow.commit()
    with database.uow() as uow:
        relisted = listings.relist(
            uow, coordinator, adjourned.id or 0, adjourned.version, PATTERN, TODAY, third.id
        )
    assert sitting_day(database, relisted) == THIRD and relisted.relisted_from_id == adjourned.id
    with (
        database.uow() as uow,
        pytest.raises(GuardFailed, match="re-listed already"),
    ):
        listings.relist(uow, coordinator, adjourned.id or 0, None, PATTERN, TODAY)


@pytest.mark.parametrize(
    ("reason", "relist_to_same", "error", "message"),
    [
        ("", False, GuardFailed, "reason"),
        ("Clash", True, GuardFailed, "another sitting"),
    ],
)
def test_adjourn_guards(
    database: Database, coordinator, reason, relist_to_same, error, message
) -> None:  # type: ignore[no-untyped-def]
    first = list_case(database, coordinator, checked_referral(database, coordinator))
    with database.uow() as uow, pytest.raises(error, match=message):
        listings.adjourn(
            uow,
            coordinator,
            first.id or 0,
            first.version,
            reason,
            PATTERN,
            TODAY,
            sitting_id=first.sitting_id if relist_to_same else None,
        )


def test_an_adjourned_listing_cannot_be_adjourned_again(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    first = list_case(database, coordinator, checked_referral(database, coordinator))
    with database.uow() as uow:
        listings.adjourn(
            uow, coordinator, first.id or 0, None, "Clash", PATTERN, TODAY, relist=False
        )
    with database.uow() as uow, pytest.raises(TransitionNotAllowed, match="adjourned at MARAC"):
        listings.adjourn(uow, coordinator, first.id or 0, None, "Again", PATTERN, TODAY)


def test_a_stale_listing_version_is_refused(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    first = list_case(database, coordinator, checked_referral(database, coordinator))
    with database.uow() as uow, pytest.raises(StaleReferral):
        listings.adjourn(
            uow, coordinator, first.id or 0, first.version + 1, "Clash", PATTERN, TODAY
        )


def test_the_calendar_is_made_once(database: Database) -> None:
    with database.uow() as uow:
        sittings.ensure_sittings(uow.session, PATTERN, FIRST, THIRD)
        sittings.ensure_sittings(uow.session, PATTERN, TODAY, THIRD)
        days = uow.session.exec(
            select(MaracSitting.sits_on).order_by(col(MaracSitting.sits_on))
        ).all()
    assert list(days) == [FIRST, SECOND, THIRD]
