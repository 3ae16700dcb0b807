"""The safety block and the print view in real Chromium: first on the page, readable, axe-clean."""

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from app import create_app
from tests.factories import PASSWORD, make_referral, make_user
from tests.support.browser import check_axe, serve_app
from workflow.models.staff import Role
from workflow.store.db import Database

pytestmark = pytest.mark.browser


@pytest.fixture
def live(committed_database: Database) -> Iterator[tuple[str, Database]]:
    app: Flask = create_app(
        {"DATABASE_URL": committed_database.url, "SECRET_KEY": "browser-test-secret-key"}
    )
    app.extensions["database"] = committed_database
    with serve_app(app) as base_url:
        yield base_url, committed_database


def test_the_safety_block_heads_the_page_and_the_print_view(
    live: tuple[str, Database], page: Page
) -> None:
    base_url, db = live
    coordinator = make_user(db, Role.COORDINATOR)
    referral = make_referral(
        db,
        safe_contact={"call": True, "text": None, "letter": False},
        victim_details={"language": "Punjabi", "interpreter": "yes"},
        details={"unsafe_to_speak_to": "Do NOT speak to her mother-in-law:\nshe tells him"},
        perpetrators=[{"name": "Ravi One", "relationship_to_victim": "ex_partner"}],
    )
    page.goto(base_url + "/sign-in")
    page.get_by_label("Email address").fill(coordinator.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile("^Referral queue"))
    for url in (f"/referrals/{referral.id}", f"/referrals/{referral.id}/print"):
        page.goto(base_url + url)
        safety = page.locator("#safety")
        expect(safety).to_be_visible()
        expect(safety).to_contain_text("Do NOT speak to her mother-in-law:\nshe tells him")
        expect(safety).to_contain_text("Don't know — treat as not safe")
        expect(safety).to_contain_text("Punjabi")
        # Line breaks are kept on screen: the warning takes two lines.
        warning = safety.get_by_text("Do NOT speak to her mother-in-law:")
        assert warning.bounding_box()["height"] > 30  # type: ignore[index]
        first_heading = page.locator("main h2").first
        expect(first_heading).to_have_text("Safety: read before contacting anyone")
        check_axe(page)
    page.emulate_media(media="print")
    expect(page.locator(".app-header")).to_be_hidden()
    expect(page.locator("#safety")).to_be_visible()
