"""At and after the meeting: hearing, the action plan through its lifecycle, research,
attendance and the agenda's contents, against a real database."""

from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from tests.factories import actor_for, make_user
from tests.meetings.support import FIRST, PATTERN, TODAY, checked_referral
from workflow.actors import Actor
from workflow.errors import GuardFailed, PermissionDenied, StaleReferral, TransitionNotAllowed
from workflow.meetings import actions, agenda, sittings
from workflow.meetings import listing as listings
from workflow.meetings.actions import NewAction
from workflow.meetings.lifecycle import ActionEvent
from workflow.meetings.models import ActionState, MaracListing, MeetingState
from workflow.models import AuditEvent
from workflow.models.staff import Role
from workflow.store.db import Database


def listed(database: Database, coordinator: Actor, **fields: object) -> MaracListing:
    referral = checked_referral(database, coordinator, **fields)
    with database.uow() as uow:
        return listings.list_referral(uow, coordinator, referral.id or 0, None, PATTERN, TODAY)


def heard(database: Database, coordinator: Actor) -> MaracListing:
    listing = listed(database, coordinator)
    with database.uow() as uow:
        return actions.record_hearing(
            uow,
            coordinator,
            listing.id or 0,
            listing.version,
            "Escalating",
            "Actions agreed",
            FIRST,
        )


def add(database: Database, coordinator: Actor, listing: MaracListing, agency: str = "Police"):  # type: ignore[no-untyped-def]
    with database.uow() as uow:
        return actions.add_action(
            uow,
            coordinator,
            listing.id or 0,
            None,
            NewAction(agency, "Flag the address", FIRST + timedelta(days=14)),
        )


def state_of(database: Database, listing: MaracListing) -> MeetingState:
    with database.uow() as uow:
        row = uow.session.get(MaracListing, listing.id)
        assert row is not None
        return row.state


def test_hearing_records_risks_outcome_and_date(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    listing = heard(database, coordinator)
    assert listing.state is MeetingState.HEARD and listing.heard_on == FIRST
    assert listing.risks == "Escalating" and listing.outcome == "Actions agreed"


def test_a_case_cannot_be_heard_before_its_sitting_or_without_an_outcome(
    database: Database, coordinator
) -> None:  # type: ignore[no-untyped-def]
    listing = listed(database, coordinator)
    with database.uow() as uow, pytest.raises(GuardFailed, match="before its sitting"):
        actions.record_hearing(uow, coordinator, listing.id or 0, None, "", "Heard", TODAY)
    with database.uow() as uow, pytest.raises(GuardFailed, match="outcome"):
        actions.record_hearing(uow, coordinator, listing.id or 0, None, "", " ", FIRST)


# (what happens to two actions, the listing's state afterwards)
ACTION_CASES = [
    ((), MeetingState.ACTIONS_OPEN),
    (((0, ActionEvent.DONE, ""),), MeetingState.ACTIONS_OPEN),
    (((0, ActionEvent.DONE, ""), (1, ActionEvent.DONE, "")), MeetingState.DONE),
    (((0, ActionEvent.DONE, ""), (1, ActionEvent.CLOSE, "Victim moved away")), MeetingState.DONE),
    (
        ((0, ActionEvent.CLOSE, "Duplicate"), (1, ActionEvent.CLOSE, "Not needed")),
        MeetingState.DONE,
    ),
]


@pytest.mark.parametrize(("steps", "final"), ACTION_CASES)
def test_the_case_is_done_when_every_action_has_ended(
    database: Database, coordinator, steps, final
) -> None:  # type: ignore[no-untyped-def]
    listing = heard(database, coordinator)
    plan = [
        add(database, coordinator, listing, "Police"),
        add(database, coordinator, listing, "Health"),
    ]
    assert state_of(database, listing) is MeetingState.ACTIONS_OPEN
    for index, event, reason in steps:
        with database.uow() as uow:
            ended = actions.end_action(
                uow, coordinator, plan[index].id, plan[index].version, event, reason
            )
        assert ended.state is (
            ActionState.DONE if event is ActionEvent.DONE else ActionState.CLOSED
        )
    assert state_of(database, listing) is final


@pytest.mark.parametrize(
    ("event", "reason", "error", "message"),
    [
        (ActionEvent.CLOSE, "", GuardFailed, "reason"),
        (
            ActionEvent.DONE,
            "",
            TransitionNotAllowed,
            "An action that is done cannot be marked done",
        ),
    ],
)
def test_action_guards(database: Database, coordinator, event, reason, error, message) -> None:  # type: ignore[no-untyped-def]
    listing = heard(database, coordinator)
    action = add(database, coordinator, listing)
    if error is TransitionNotAllowed:
        with database.uow() as uow:
            action = actions.end_action(uow, coordinator, action.id, None, ActionEvent.DONE)
    with database.uow() as uow, pytest.raises(error, match=message):
        actions.end_action(uow, coordinator, action.id, None, event, reason)


def test_a_stale_action_is_refused(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    action = add(database, coordinator, heard(database, coordinator))
    with database.uow() as uow, pytest.raises(StaleReferral):
        actions.end_action(uow, coordinator, action.id, action.version + 1, ActionEvent.DONE)


def test_actions_need_a_heard_case_an_agency_a_description_and_a_sane_date(
    database: Database, coordinator
) -> None:  # type: ignore[no-untyped-def]
    listing = listed(database, coordinator)
    with pytest.raises(TransitionNotAllowed, match="listed at MARAC cannot be given an action"):
        add(database, coordinator, listing)
    listing = heard(database, coordinator)
    for new, message in [
        (NewAction("", "x", FIRST), "agency"),
        (NewAction("Police", " ", FIRST), "Describe"),
        (NewAction("Police", "x", FIRST - timedelta(days=1)), "before the case was heard"),
    ]:
        with database.uow() as uow, pytest.raises(GuardFailed, match=message):
            actions.add_action(uow, coordinator, listing.id or 0, None, new)


def test_heard_with_no_actions_completes_and_open_actions_block_completion(
    database: Database, coordinator
) -> None:  # type: ignore[no-untyped-def]
    plain = heard(database, coordinator)
    with database.uow() as uow:
        assert (
            actions.complete(uow, coordinator, plain.id or 0, plain.version).state
            is MeetingState.DONE
        )
    busy = heard(database, coordinator)
    add(database, coordinator, busy)
    with database.uow() as uow, pytest.raises(GuardFailed, match="Every action"):
        actions.complete(uow, coordinator, busy.id or 0, None)


def test_research_known_and_not_known(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    listing = listed(database, coordinator)
    with database.uow() as uow:
        actions.add_research(
            uow, coordinator, listing.id or 0, "Health", True, "Known to us: A&E twice"
        )
    with database.uow() as uow:
        actions.add_research(uow, coordinator, listing.id or 0, "Housing", False, "ignored")
    with database.uow() as uow, pytest.raises(GuardFailed, match="what your agency knows"):
        actions.add_research(uow, coordinator, listing.id or 0, "Police", True, "")
    with database.uow() as uow:
        found = [
            (r.agency, r.known, r.summary)
            for r in actions.research_for(uow.session, listing.id or 0)
        ]
    assert found == [("Health", True, "Known to us: A&E twice"), ("Housing", False, "")]


def test_attendance_by_agency(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    listing = listed(database, coordinator)
    with database.uow() as uow:
        sittings.record_attendance(
            uow, coordinator, listing.sitting_id, None, "Police", "DS Khan", True
        )
    with database.uow() as uow:
        sittings.record_attendance(uow, coordinator, listing.sitting_id, None, "Health", "", False)
    with database.uow() as uow:
        sittings.record_attendance(
            uow, coordinator, listing.sitting_id, None, "Police", "DC Lee", True
        )
    with database.uow() as uow, pytest.raises(GuardFailed, match="name of the person"):
        sittings.record_attendance(uow, coordinator, listing.sitting_id, None, "Housing", "", True)
    with database.uow() as uow:
        rows = [
            (a.agency, a.attendee, a.present)
            for a in sittings.attendance(uow.session, listing.sitting_id)
        ]
    assert rows == [("Health", "", False), ("Police", "DC Lee", True)]


def test_the_agenda_holds_what_agencies_search_by_and_is_audited(
    database: Database, coordinator
) -> None:  # type: ignore[no-untyped-def]
    listing = listed(
        database,
        coordinator,
        victim_address="1 Mill Lane, Whittlesey",
        perpetrators=[
            {"name": "Dean Allen", "date_of_birth": "1988-04-02"},
            {"name": "Sam Roe", "age": 30},
        ],
        children=[{"details": "Mia Allen, 3 May 2019"}],
        children_in_household=1,
    )
    with database.uow() as uow:
        shown = agenda.agenda(uow, coordinator, listing.sitting_id)
    (case,) = shown.cases
    assert case.victim.name == "Jade Allen" and case.victim.date_of_birth == "27 January 1990"
    assert case.address == "1 Mill Lane, Whittlesey, PE7 4TQ"
    assert [(p.name, p.date_of_birth) for p in case.perpetrators] == [
        ("Dean Allen", "2 April 1988"),
        ("Sam Roe", "Age 30"),
    ]
    assert case.children == ("Mia Allen, 3 May 2019",) and case.children_in_household == 1
    with database.uow() as uow:
        event = uow.session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.object_type) == "marac_sitting")
            .order_by(col(AuditEvent.id).desc())
        ).first()
    assert event is not None and event.action == "list"
    assert event.after == {"references": [case.reference], "sitting_id": listing.sitting_id}


def test_only_meeting_staff_run_the_meeting(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    listing = listed(database, coordinator)
    idva = actor_for(make_user(database, Role.IDVA))
    with database.uow() as uow, pytest.raises(PermissionDenied):
        actions.record_hearing(uow, idva, listing.id or 0, None, "", "Heard", FIRST)
    with database.uow() as uow, pytest.raises(PermissionDenied):
        sittings.add_one_off(uow, idva, date(2027, 4, 1), 5, "", TODAY)


def test_capacity_cannot_drop_below_the_cases_listed(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    listing = listed(database, coordinator)
    listed(database, coordinator)
    with database.uow() as uow, pytest.raises(GuardFailed, match="capacity cannot be less"):
        sittings.change_sitting(uow, coordinator, listing.sitting_id, None, 1, "")
    with database.uow() as uow:
        changed = sittings.change_sitting(uow, coordinator, listing.sitting_id, None, 3, "DCI Ward")
    assert changed.capacity == 3 and changed.chair == "DCI Ward"
