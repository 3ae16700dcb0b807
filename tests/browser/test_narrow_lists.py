"""The queue and the caseload on a 320 px phone: no sideways scrolling, rows read as cards."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from app import create_app
from tests.factories import PASSWORD, actor_for, make_referral, make_user
from tests.support.browser import check_axe, serve_app
from workflow.models.referral import Consent, Pathway
from workflow.models.staff import Role
from workflow.referrals import casework
from workflow.referrals.casework import ConsentDecision
from workflow.store.db import Database

pytestmark = pytest.mark.browser

WIDTH = 320
LONG_AGENCY = "Cambridgeshire and Peterborough NHS Foundation Trust Safeguarding Adults Team"


def _seed(db: Database) -> dict[str, str]:
    coordinator = make_user(db, Role.COORDINATOR, "cara@desk.example.org")
    idva = make_user(db, Role.IDVA, "ivy@desk.example.org")
    actor = actor_for(coordinator)
    for n in range(3):
        make_referral(
            db,
            victim_name=f"Aleksandra Wiśniewska-Montgomery-Smythe {n}",
            referrer_agency=LONG_AGENCY,
            needs_review=["victim.postcode"],
            referrer_email="worried.friend@gmail.com",
        )
    referral = make_referral(db, pathway=Pathway.MARAC, referrer_agency=LONG_AGENCY)
    with db.uow() as uow:
        casework.check_consent(uow, actor, referral.id, None, ConsentDecision(Consent.GIVEN))
    with db.uow() as uow:
        casework.allocate(uow, actor, referral.id, None, idva.id or 0, date(2027, 1, 14))
    return {"coordinator": coordinator.email, "idva": idva.email}


@pytest.fixture
def live(committed_database: Database) -> Iterator[tuple[str, dict[str, str]]]:
    app: Flask = create_app(
        {"DATABASE_URL": committed_database.url, "SECRET_KEY": "browser-test-secret-key"}
    )
    app.extensions["database"] = committed_database
    emails = _seed(committed_database)
    with serve_app(app) as base_url:
        yield base_url, emails


def _signed_in(chromium: Browser, base_url: str, email: str) -> Page:
    page = chromium.new_context(viewport={"width": WIDTH, "height": 640}).new_page()
    page.goto(base_url + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert viewport == WIDTH
    assert width <= viewport, f"{page.url} scrolls sideways: {width} px wide at {viewport} px"


@pytest.mark.parametrize(("role", "path"), [("coordinator", "/queue"), ("idva", "/caseload")])
def test_the_list_fits_a_320_px_screen_as_cards(
    live: tuple[str, dict[str, str]], chromium: Browser, role: str, path: str
) -> None:
    base_url, emails = live
    page = _signed_in(chromium, base_url, emails[role])
    try:
        page.goto(base_url + path)
        _fits(page)
        cell = page.locator("table.app-triage tbody td[data-label='Referred by']").first
        assert cell.evaluate("td => getComputedStyle(td).display") == "block"
        label = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert label == '"Referred by"', "each cell of a card says what it is"
        check_axe(page, {"resultTypes": ["violations"]})
    finally:
        page.context.close()
