"""A whole MARAC sitting in real Chromium (issue 18's proof): the coordinator lists three cases
and releases the agenda to two agencies, each agency adds its research, the chair records the
hearing and the actions and publishes the minutes, and an action left open past its due date is
chased by the reminder job — with axe-core on each page on the way."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import col, select

from app import create_app
from tests.factories import PASSWORD, actor_for, make_user
from tests.meetings.support import checked_referral
from tests.support.browser import check_axe, serve_app
from workflow.deadlines.reminders import ReminderSettings, send_reminders
from workflow.deadlines.working_time import LONDON
from workflow.meetings import sittings
from workflow.meetings.models import AgencyResearch, MaracAction, MaracListing
from workflow.models import Outbox
from workflow.models.staff import Role
from workflow.store.db import Database

pytestmark = pytest.mark.browser
AXE_OPTIONS = {"resultTypes": ["violations"]}
AGENCIES = {"rep@police.example.org": "Police", "rep@health.example.org": "Health"}


@pytest.fixture
def live(committed_database: Database) -> Iterator[tuple[str, Database]]:
    app: Flask = create_app(
        {
            "DATABASE_URL": committed_database.url,
            "SECRET_KEY": "browser-test-secret-key",
            "BASE_URL": "http://desk.example",
        }
    )
    app.extensions["database"] = committed_database
    with serve_app(app) as base_url:
        yield base_url, committed_database


def _signed_in(chromium: Browser, base_url: str, email: str) -> tuple[BrowserContext, Page]:
    context = chromium.new_context()
    page = context.new_page()
    page.goto(base_url + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/sign-in" not in page.url, f"{email} could not sign in"
    return context, page


def _fill_date(page: Page, name: str, day: date) -> None:
    boxes = page.locator(f'input[name="{name}"]')
    for index, value in enumerate((day.day, day.month, day.year)):
        boxes.nth(index).fill(str(value))


def _seed(database: Database, today: date) -> tuple[int, list[int]]:
    coordinator = actor_for(make_user(database, Role.COORDINATOR))
    for email in AGENCIES:
        make_user(database, Role.AGENCY, email)
    with database.uow() as uow:
        sitting = sittings.add_one_off(uow, coordinator, today, 5, "DCI Ward", today)
    names = ("Jade Allen", "Kim Lowe", "Sam Reid")
    referrals = [checked_referral(database, coordinator, victim_name=n).id or 0 for n in names]
    return sitting.id or 0, referrals


def _list_three_and_release(page: Page, base_url: str, sitting_id: int, ids: list[int]) -> None:
    for referral_id in ids:
        page.goto(f"{base_url}/marac/referrals/{referral_id}/list")
        check_axe(page, AXE_OPTIONS)
        page.locator(f'input[name="sitting"][value="{sitting_id}"]').check()
        page.get_by_role("button", name="List the case").click()
        expect(page.get_by_text("The case is listed at MARAC.")).to_be_visible()
    page.goto(f"{base_url}/marac/sittings/{sitting_id}")
    for email, agency in AGENCIES.items():
        page.get_by_label("Representative's email address").fill(email)
        page.get_by_label("Agency they attend for").fill(agency)
        page.get_by_role("button", name="Invite").click()
        expect(page.get_by_text(f"{email} is invited.")).to_be_visible()
    check_axe(page, AXE_OPTIONS)
    for name in ("Jade Allen", "Kim Lowe", "Sam Reid"):
        expect(page.get_by_text(name).first).to_be_visible()


def _research(chromium: Browser, base_url: str, sitting_id: int, email: str, known: bool) -> None:
    context, page = _signed_in(chromium, base_url, email)
    try:
        page.goto(f"{base_url}/marac/agency/sittings/{sitting_id}")
        check_axe(page, AXE_OPTIONS)
        page.get_by_label("I accept the confidentiality statement").check()
        page.get_by_role("button", name="Continue to the agenda").click()
        expect(page.get_by_text("Confidential: MARAC").first).to_be_visible()
        check_axe(page, AXE_OPTIONS)
        card = page.locator(".govuk-summary-card").filter(has_text="Jade Allen")
        if known:
            card.get_by_label("Yes, known to us").check()
            card.get_by_label("What Police knows about").fill("Two call-outs in May")
        else:
            card.get_by_label("Not known").check()
        card.get_by_role("button", name="Add research for").click()
        page.wait_for_load_state()
        check_axe(page, AXE_OPTIONS)
    finally:
        context.close()


def _hear_and_act(page: Page, base_url: str, listing_id: int, today: date) -> None:
    page.goto(f"{base_url}/marac/cases/{listing_id}")
    expect(page.get_by_text("Known to us: Two call-outs in May")).to_be_visible()
    health = page.locator(".govuk-summary-list__row").filter(has_text="rep@health.example.org")
    expect(health).to_contain_text("Not known")
    page.get_by_label("Risks identified").fill("Escalating stalking")
    page.get_by_label("Outcome at MARAC").fill("Actions agreed")
    page.get_by_role("button", name="Record the hearing").click()
    expect(page.get_by_text("Hearing recorded.")).to_be_visible()
    for agency, what, due in (
        ("Police", "Flag the address", today),
        ("Health", "Tell the GP", today + timedelta(days=30)),
    ):
        page.get_by_label("Owning agency").fill(agency)
        page.get_by_label("Action", exact=True).fill(what)
        _fill_date(page, "action-due_on", due)
        page.get_by_role("button", name="Add the action").click()
        expect(page.get_by_text("Action added.")).to_be_visible()
    page.get_by_role("button", name="Publish the minutes").click()
    expect(page.get_by_text("The minutes and action plan are published")).to_be_visible()
    check_axe(page, AXE_OPTIONS)


def test_a_whole_sitting(live: tuple[str, Database], chromium: Browser) -> None:
    base_url, database = live
    today = datetime.now(LONDON).date()
    sitting_id, referral_ids = _seed(database, today)

    context, page = _signed_in(chromium, base_url, "coordinator@example.org")
    try:
        _list_three_and_release(page, base_url, sitting_id, referral_ids)
    finally:
        context.close()
    _research(chromium, base_url, sitting_id, "rep@police.example.org", known=True)
    _research(chromium, base_url, sitting_id, "rep@health.example.org", known=False)
    with database.uow() as uow:
        research = uow.session.exec(select(AgencyResearch)).all()
        listing = uow.session.exec(
            select(MaracListing).where(col(MaracListing.referral_id) == referral_ids[0])
        ).one()
    assert sorted((r.agency, r.known) for r in research) == [("Health", False), ("Police", True)]

    context, page = _signed_in(chromium, base_url, "coordinator@example.org")
    try:
        _hear_and_act(page, base_url, listing.id or 0, today)
    finally:
        context.close()

    # The next day the Police action is overdue: the reminder job chases it, once.
    tomorrow = datetime.combine(today + timedelta(days=1), time(10, 0), tzinfo=LONDON)
    settings = ReminderSettings("http://desk.example")
    assert send_reminders(database, tomorrow.astimezone(UTC), settings).marac_actions == 1
    assert send_reminders(database, tomorrow.astimezone(UTC), settings).marac_actions == 0
    with database.uow() as uow:
        (chase,) = uow.session.exec(
            select(Outbox).where(col(Outbox.kind) == "marac_action_overdue")
        ).all()
        open_actions = uow.session.exec(select(MaracAction)).all()
    assert {a.state.value for a in open_actions} == {"open"}
    assert chase.to == ["coordinator@example.org", "rep@police.example.org"]
    assert "Police" in chase.subject and "Jade" not in chase.body_text + chase.subject
    assert "Flag the address" not in chase.body_text

    # The invited police representative now sees the published minutes.
    context, page = _signed_in(chromium, base_url, "rep@police.example.org")
    try:
        page.goto(f"{base_url}/marac/agency/sittings/{sitting_id}")
        expect(page.get_by_text("Flag the address", exact=False)).to_be_visible()
        check_axe(page, AXE_OPTIONS)
    finally:
        context.close()
