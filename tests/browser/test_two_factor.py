"""Two-factor sign-in in real Chromium, as on an operator's first day: the password, then setting
up an authenticator app from the QR code's key, recovery codes, and signing in again with a code
computed here exactly as the app would. Every page on the way is axe-clean."""

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from app import create_app
from tests.factories import PASSWORD, make_user, next_totp_code, totp_code
from tests.support.browser import check_axe, serve_app
from workflow.models.staff import Role
from workflow.store.db import Database

pytestmark = pytest.mark.browser


@pytest.fixture
def live(committed_database: Database) -> Iterator[tuple[str, Database]]:
    app: Flask = create_app(
        {
            "DATABASE_URL": committed_database.url,
            "SECRET_KEY": "browser-test-secret-key",
            "REQUIRE_TWO_FACTOR": True,
        }
    )
    app.extensions["database"] = committed_database
    with serve_app(app) as base_url:
        yield base_url, committed_database


def _title(page: Page, start: str) -> None:
    expect(page).to_have_title(re.compile("^" + re.escape(start)))


def _password(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    _title(page, "Sign in")


def test_set_up_at_first_sign_in_then_sign_in_with_a_code(
    live: tuple[str, Database], page: Page
) -> None:
    base_url, db = live
    coordinator = make_user(db, Role.COORDINATOR, must_change_password=True)
    _password(page, base_url, coordinator.email)
    _title(page, "Change your password")  # the first password goes first, as before
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("a brand new long passphrase")
    page.get_by_label("Confirm new password").fill("a brand new long passphrase")
    page.get_by_role("button", name="Change password").click()

    _title(page, "Set up two-factor sign-in")
    page.goto(base_url + "/queue")  # no staff page until it is set up
    _title(page, "Set up two-factor sign-in")
    qr = page.get_by_alt_text("QR code to scan with your authenticator app")
    expect(qr).to_be_visible()
    assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.naturalWidth") > 0  # the browser drew it
    check_axe(page)
    secret = page.locator("#secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)  # a base32 key, as apps take it

    page.get_by_label("Code from your app").fill("000000" if totp_code(secret) != "000000" else "1")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    _title(page, "Error: Set up two-factor sign-in")
    check_axe(page)
    page.get_by_label("Code from your app").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    _title(page, "Save your recovery codes")
    check_axe(page)
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="I have saved my recovery codes").click()
    _title(page, "Referral queue")
    page.goto(base_url + "/account/two-factor")
    expect(page.locator("#recovery-codes-left")).to_have_text("10")
    check_axe(page)
    _sign_out(page)

    _password(page, base_url, coordinator.email)
    _title(page, "Error: Sign in")  # the first password no longer works
    page.get_by_label("Password", exact=True).fill("a brand new long passphrase")
    page.get_by_role("button", name="Sign in").click()
    _title(page, "Enter your sign-in code")
    check_axe(page)
    page.get_by_label("Code", exact=True).fill("12345")
    page.get_by_role("button", name="Continue").click()
    _title(page, "Error: Enter your sign-in code")
    check_axe(page)
    page.get_by_label("Code", exact=True).fill(next_totp_code(db, coordinator.email))
    page.get_by_role("button", name="Continue").click()
    _title(page, "Referral queue")
    _sign_out(page)

    # A lost phone: a recovery code instead, once.
    page.goto(base_url + "/sign-in")
    page.get_by_label("Email address").fill(coordinator.email)
    page.get_by_label("Password", exact=True).fill("a brand new long passphrase")
    page.get_by_role("button", name="Sign in").click()
    _title(page, "Enter your sign-in code")
    page.get_by_text("I do not have my phone").click()
    page.get_by_label("Code", exact=True).fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    _title(page, "Referral queue")
    page.goto(base_url + "/account/two-factor")
    expect(page.locator("#recovery-codes-left")).to_have_text("9")
