"""The coordinator's round in real Chromium, with axe-core on every page on the way.

The app runs in a server thread over a database with real commits, as in production: the browser
fetches pages and assets in parallel, which one shared test connection could not serve.
"""

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from app import create_app
from tests.factories import PASSWORD, make_referral, make_user
from tests.queue.builders import add_message
from tests.support.browser import check_axe, serve_app
from workflow.models import Referral
from workflow.models.mail import Disposition
from workflow.models.staff import Role
from workflow.store.db import Database

pytestmark = pytest.mark.browser


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


def _sign_in(page: Page, base_url: str, email: str, landing: str) -> None:
    page.goto(base_url + "/sign-in")
    check_axe(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(f"{landing} – Stalking, Harassment and MARAC Referrals")
    check_axe(page)


def _title(page: Page, start: str) -> None:
    expect(page).to_have_title(re.compile("^" + re.escape(start)))


def test_the_coordinators_round(live: tuple[str, Database], page: Page, chromium: Browser) -> None:
    base_url, db = live
    coordinator = make_user(db, Role.COORDINATOR, name="Cara Coordinator")
    idva = make_user(db, Role.IDVA, name="Ivy Idva")
    make_referral(db, dash_yes=5, victim_name="Someone Else")
    # Seventeen Yes answers, question 7 among them, read with doubt from a scanned form.
    referral: Referral = make_referral(db, dash_yes=17, needs_review=["dash.answers.7"])
    add_message(db, referral.id, attachments=[("MARAC.pdf", "application/pdf", b"%PDF-1.7")])
    add_message(db, None, Disposition.REJECT_SELF_REFERRAL)

    _sign_in(page, base_url, coordinator.email, "Referral queue")
    page.get_by_role("link", name="Needs a person").click()
    _title(page, "Needs a person")
    check_axe(page)
    page.get_by_role("link", name="Queue", exact=True).click()
    _title(page, "Referral queue")

    # Find the new referral by the victim's name, misspelt.
    page.get_by_label("Search by reference").fill("Jayde Alen")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 referral found by the search")).to_be_visible()
    assert "Jayde" not in page.url and "Alen" not in page.url
    check_axe(page)
    page.get_by_role("link", name=referral.reference).click()
    _title(page, f"Referral {referral.reference}")
    check_axe(page)
    expect(page.get_by_text("Check 1 value against the original")).to_be_visible()
    expect(page.get_by_text("DASH score: 17 (high risk)")).to_be_visible()

    # The consent check is refused until question 7 is settled.
    page.get_by_role("link", name="Check consent", exact=True).click()
    _title(page, "Check consent")
    check_axe(page)
    page.get_by_label("Yes, consent given").check()
    page.get_by_role("button", name="Record consent check").click()
    _title(page, "Error: Check consent")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm or correct")
    check_axe(page)
    page.get_by_role("link", name=f"Back to {referral.reference}").click()

    # Correct the misread answer: the score and the rules are worked out again.
    page.get_by_role("link", name="Correct DASH question 7").click()
    _title(page, "Correct DASH question 7")
    check_axe(page)
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Reason for the correction").fill("The scanned form has No ticked")
    page.get_by_role("button", name="Save correction").click()
    _title(page, f"Referral {referral.reference}")
    expect(page.get_by_text("DASH score: 16 (high risk)")).to_be_visible()
    expect(page.get_by_text("Check 1 value against the original")).to_have_count(0)

    page.get_by_role("link", name="Check consent", exact=True).click()
    page.get_by_label("Yes, consent given").check()
    page.get_by_role("button", name="Record consent check").click()
    _title(page, f"Referral {referral.reference}")
    expect(page.get_by_text("Consent check recorded.")).to_be_visible()

    page.get_by_role("link", name="Allocate", exact=True).click()
    _title(page, "Allocate")
    check_axe(page)
    page.get_by_label("IDVA", exact=True).select_option(label="Ivy Idva (0 open referrals)")
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Allocate").click()
    _title(page, f"Referral {referral.reference}")
    expect(page.get_by_text("Allocated to Ivy Idva")).to_be_visible()

    page.get_by_role("link", name="Add a note").click()
    _title(page, "Add a note")
    check_axe(page)
    page.get_by_label("Note", exact=True).fill("Referrer confirmed the DASH by phone")
    page.get_by_role("button", name="Add note").click()
    _title(page, f"Referral {referral.reference}")

    page.get_by_role("link", name="Link as duplicate").click()
    _title(page, "Link")
    check_axe(page)
    page.get_by_role("link", name=f"Back to {referral.reference}").click()

    # The IDVA, in a browser of their own, finds it in their caseload.
    context = chromium.new_context()
    try:
        idva_page = context.new_page()
        _sign_in(idva_page, base_url, idva.email, "My caseload")
        expect(idva_page.get_by_role("link", name=referral.reference)).to_be_visible()
        idva_page.get_by_role("link", name=referral.reference).click()
        _title(idva_page, f"Referral {referral.reference}")
        check_axe(idva_page)
    finally:
        context.close()

    page.reload()
    page.get_by_role("link", name="Close", exact=True).click()
    _title(page, "Close")
    check_axe(page)
    page.get_by_label("Heard at MARAC").check()
    page.get_by_role("button", name="Close referral").click()
    _title(page, f"Referral {referral.reference}")
    check_axe(page)

    history = page.locator("#history")
    for step in (
        "new → received",
        "received → consent checked",
        "consent checked → allocated",
        "allocated → closed",
    ):
        expect(history).to_contain_text(step)
    trail = page.locator("#audit-trail")
    expect(trail).to_contain_text("correct by coordinator@example.org")
    expect(trail).to_contain_text("view by idva@example.org")
    expect(trail).to_contain_text("note by coordinator@example.org")
