"""Signing in, first-password change, lockout, rate limits, CSRF and session lifetime."""

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import col, select

from tests.factories import PASSWORD, make_user
from tests.web.pages import check_page, post_form, sign_in
from workflow.models import AuditEvent, User
from workflow.models.staff import Role
from workflow.store.db import Database


def test_sign_in_page_is_clean(client: FlaskClient) -> None:
    response = client.get("/sign-in")
    assert response.status_code == 200
    check_page(response.get_data(as_text=True))


def test_a_coordinator_signs_in_and_lands_on_the_queue(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    response = sign_in(client, "coordinator@example.org")
    assert response.status_code == 302
    assert client.get("/", follow_redirects=True).request.path == "/queue"


def test_wrong_password_shows_an_error_that_does_not_reveal_accounts(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    wrong = sign_in(client, "coordinator@example.org", "not the password").get_data(as_text=True)
    unknown = sign_in(client, "nobody@example.org", "not the password").get_data(as_text=True)
    for html in (wrong, unknown):
        page = check_page(html)
        assert page.title.startswith("Error:")
        assert "Enter a correct email address and password" in html


def test_five_failures_lock_the_account_with_a_clear_message(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    for _ in range(5):
        sign_in(client, "coordinator@example.org", "wrong password!")
    html = sign_in(client, "coordinator@example.org").get_data(as_text=True)
    assert "locked after too many failed attempts" in html


def test_too_many_attempts_from_one_address_are_refused(app: Flask, database: Database) -> None:
    client = app.test_client()
    for n in range(20):
        sign_in(client, f"nobody{n}@example.org", "x")
    response = sign_in(client, "nobody@example.org", "x")
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.get_data(as_text=True)


def test_first_password_must_be_changed_before_anything_else(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR, must_change_password=True)
    sign_in(client, "coordinator@example.org")
    assert client.get("/queue").headers["Location"].endswith("/change-password")
    new = "a much longer new passphrase"
    response = post_form(
        client, "/change-password", {"current": PASSWORD, "new": new, "confirm": new}
    )
    assert response.headers["Location"].endswith("/")
    assert client.get("/queue").status_code == 200


def test_a_short_new_password_is_refused(client: FlaskClient, database: Database) -> None:
    make_user(database, Role.COORDINATOR, must_change_password=True)
    sign_in(client, "coordinator@example.org")
    html = post_form(
        client, "/change-password", {"current": PASSWORD, "new": "short", "confirm": "short"}
    ).get_data(as_text=True)
    assert "12 characters or more" in html
    check_page(html)


def test_a_form_without_its_csrf_token_is_refused(client: FlaskClient, database: Database) -> None:
    make_user(database, Role.COORDINATOR)
    response = client.post(
        "/sign-in", data={"email": "coordinator@example.org", "password": PASSWORD}
    )
    assert response.status_code == 400


def test_an_idle_session_expires(app: Flask, client: FlaskClient, database: Database) -> None:
    make_user(database, Role.COORDINATOR)
    sign_in(client, "coordinator@example.org")
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - 16 * 60
    response = client.get("/queue")
    assert "/sign-in" in response.headers["Location"]
    assert client.get("/queue").status_code == 302


def test_a_session_has_an_absolute_lifetime(client: FlaskClient, database: Database) -> None:
    make_user(database, Role.COORDINATOR)
    sign_in(client, "coordinator@example.org")
    with client.session_transaction() as session:
        session["signed_in_at"] = time.time() - 11 * 3600
    assert "/sign-in" in client.get("/queue").headers["Location"]


def test_sign_in_is_audited(client: FlaskClient, database: Database) -> None:
    make_user(database, Role.COORDINATOR)
    sign_in(client, "coordinator@example.org", "wrong password!")
    sign_in(client, "coordinator@example.org")
    with database.uow() as uow:
        actions = [
            e.action for e in uow.session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))
        ]
    assert actions[-3:] == ["login_failed", "password_accepted", "login"]


def test_an_open_redirect_after_sign_in_is_refused(client: FlaskClient, database: Database) -> None:
    make_user(database, Role.COORDINATOR)
    response = post_form(
        client,
        "/sign-in?next=https://evil.example/",
        {"email": "coordinator@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_the_stored_hash_is_argon2id(database: Database) -> None:
    user = make_user(database, Role.ADMIN)
    with database.uow() as uow:
        assert uow.session.get(User, user.id).password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("path", ["/sign-in", "/queue"])
def test_security_headers_on_every_page(client: FlaskClient, path: str) -> None:
    headers = client.get(path).headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_sign_in_attempts_from_one_ipv6_64_share_one_limit(app: Flask, database: Database) -> None:
    for n in range(20):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"2001:db8:5:6::{n + 1:x}"
        sign_in(client, f"nobody{n}@example.org", "x")
    rotated = app.test_client()
    rotated.environ_base["REMOTE_ADDR"] = "2001:db8:5:6:ffff::77"
    assert sign_in(rotated, "nobody@example.org", "x").status_code == 429
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "2001:db8:5:7::1"
    assert sign_in(elsewhere, "nobody@example.org", "x").status_code == 200


def test_change_password_is_throttled(client: FlaskClient, database: Database) -> None:
    make_user(database, Role.COORDINATOR)
    sign_in(client, "coordinator@example.org")
    new = "a much longer new passphrase"
    for _ in range(5):
        wrong = {"current": "not my password!", "new": new, "confirm": new}
        assert post_form(client, "/change-password", wrong).status_code == 200
    response = post_form(
        client, "/change-password", {"current": PASSWORD, "new": new, "confirm": new}
    )
    assert response.status_code == 429
    assert "Too many attempts to change your password" in response.get_data(as_text=True)
