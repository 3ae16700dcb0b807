"""Agency representatives: only sittings they are invited to, only inside the window, only
after accepting the confidentiality statement, only their own agency's research; each look
and each refusal audited."""

from datetime import date

import pytest
from sqlmodel import col, select

from tests.factories import actor_for, make_user
from tests.meetings.support import FIRST, PATTERN, TODAY, checked_referral
from workflow.actors import Actor
from workflow.errors import GuardFailed, PermissionDenied
from workflow.meetings import access, actions, sittings
from workflow.meetings import listing as listings
from workflow.meetings.models import MaracListing
from workflow.models import AuditEvent
from workflow.models.staff import Role
from workflow.store.db import Database


@pytest.fixture
def police(database: Database) -> Actor:
    return actor_for(make_user(database, Role.AGENCY, "rep@police.example.org"))


def _listed(database: Database, coordinator: Actor, sitting_id: int | None = None) -> MaracListing:
    referral = checked_referral(database, coordinator)
    with database.uow() as uow:
        return listings.list_referral(
            uow, coordinator, referral.id or 0, None, PATTERN, TODAY, sitting_id
        )


def _invite(database: Database, coordinator: Actor, sitting_id: int, email: str) -> None:
    with database.uow() as uow:
        access.invite(uow, coordinator, sitting_id, email, "Cambridgeshire Constabulary")


# (today, may see): released 5 working days before 2 March 2027, open until 7 days after.
WINDOW = [
    (date(2027, 2, 22), False),
    (date(2027, 2, 23), True),
    (FIRST, True),
    (date(2027, 3, 9), True),
    (date(2027, 3, 10), False),
]


@pytest.mark.parametrize(("today", "allowed"), WINDOW, ids=[str(d) for d, _ in WINDOW])
def test_the_agenda_is_open_only_inside_the_window(
    database: Database, coordinator: Actor, police: Actor, today: date, allowed: bool
) -> None:
    listing = _listed(database, coordinator)
    _invite(database, coordinator, listing.sitting_id, "rep@police.example.org")
    if not allowed:
        with database.uow() as uow, pytest.raises(PermissionDenied):
            access.accept_confidentiality(uow, police, listing.sitting_id, PATTERN, today)
        with database.uow() as uow:
            refused = uow.session.exec(
                select(AuditEvent).where(col(AuditEvent.action) == "view_refused")
            ).one()
        assert refused.summary == "outside the access window"
        return
    with database.uow() as uow, pytest.raises(GuardFailed, match="confidentiality"):
        access.agency_agenda(uow, police, listing.sitting_id, PATTERN, today)
    with database.uow() as uow:
        access.accept_confidentiality(uow, police, listing.sitting_id, PATTERN, today)
    with database.uow() as uow:
        shown = access.agency_agenda(uow, police, listing.sitting_id, PATTERN, today)
    assert [c.listing_id for c in shown.agenda.cases] == [listing.id]


def test_another_sittings_cases_and_the_coordinators_pages_are_refused(
    database: Database, coordinator: Actor, police: Actor
) -> None:
    mine = _listed(database, coordinator)
    with database.uow() as uow:
        other = sittings.add_one_off(uow, coordinator, date(2027, 3, 3), 5, "", TODAY)
    theirs = _listed(database, coordinator, other.id)
    _invite(database, coordinator, mine.sitting_id, "rep@police.example.org")
    with database.uow() as uow, pytest.raises(PermissionDenied):
        access.accept_confidentiality(uow, police, theirs.sitting_id, PATTERN, TODAY)
    with database.uow() as uow:
        access.accept_confidentiality(uow, police, mine.sitting_id, PATTERN, TODAY)
    with database.uow() as uow, pytest.raises(PermissionDenied):
        access.add_agency_research(uow, police, theirs.id or 0, False, "", PATTERN, TODAY)
    # The coordinator's own use cases refuse the role outright.
    with database.uow() as uow, pytest.raises(PermissionDenied):
        actions.add_research(uow, police, mine.id or 0, "Police", False, "")
    with database.uow() as uow, pytest.raises(PermissionDenied):
        listings.adjourn(uow, police, mine.id or 0, None, "x", PATTERN, TODAY)


def test_research_is_in_the_representatives_own_agencys_name(
    database: Database, coordinator: Actor, police: Actor
) -> None:
    listing = _listed(database, coordinator)
    _invite(database, coordinator, listing.sitting_id, "rep@police.example.org")
    with database.uow() as uow:
        access.accept_confidentiality(uow, police, listing.sitting_id, PATTERN, TODAY)
    with database.uow() as uow:
        row = access.add_agency_research(
            uow, police, listing.id or 0, True, "Two call-outs in 2026", PATTERN, TODAY
        )
    assert row.agency == "Cambridgeshire Constabulary" and row.author_label == police.label
    with database.uow() as uow:
        shown = access.agency_agenda(uow, police, listing.sitting_id, PATTERN, TODAY)
        looks = uow.session.exec(
            select(AuditEvent).where(
                col(AuditEvent.actor_id) == police.id, col(AuditEvent.action) == "list"
            )
        ).all()
    assert [r.summary for r in shown.research[listing.id or 0]] == ["Two call-outs in 2026"]
    assert looks and looks[-1].after and looks[-1].after["references"]


def test_only_active_agency_accounts_are_invited(database: Database, coordinator: Actor) -> None:
    listing = _listed(database, coordinator)
    make_user(database, Role.IDVA, "idva@example.org")
    with database.uow() as uow, pytest.raises(GuardFailed, match="agency representative"):
        access.invite(uow, coordinator, listing.sitting_id, "idva@example.org", "Police")
    make_user(database, Role.AGENCY, "rep@health.example.org")
    _invite(database, coordinator, listing.sitting_id, "rep@health.example.org")
    with database.uow() as uow, pytest.raises(GuardFailed, match="already invited"):
        access.invite(uow, coordinator, listing.sitting_id, "rep@health.example.org", "Health")


def test_my_sittings_lists_invited_sittings_until_access_ends(
    database: Database, coordinator: Actor, police: Actor
) -> None:
    listing = _listed(database, coordinator)
    _invite(database, coordinator, listing.sitting_id, "rep@police.example.org")
    with database.uow() as uow:
        early = access.my_sittings(uow, police, PATTERN, date(2027, 2, 1))
        now = access.my_sittings(uow, police, PATTERN, TODAY)
        after = access.my_sittings(uow, police, PATTERN, date(2027, 3, 10))
    assert [s.open_now for s in early] == [False] and [s.open_now for s in now] == [True]
    assert after == []
