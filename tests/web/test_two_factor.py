"""Two-factor sign-in through the pages: enrolment, the code step, recovery, limits, reset."""

import re
import time

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import col, select

from tests.factories import enrol_two_factor, make_user, next_totp_code, totp_code
from tests.web.pages import check_page, csrf_token, post_form, sign_in
from workflow.models import AuditEvent, StaffSession, User
from workflow.models.staff import Role
from workflow.staff import two_factor
from workflow.store.db import Database

EMAIL = "coordinator@example.org"
SET_UP = "/account/two-factor/set-up"


def _actions(database: Database) -> list[str]:
    with database.uow() as uow:
        return list(uow.session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))))


def _secret_on(html: str) -> str:
    match = re.search(r'<code class="app-secret" id="secret">([A-Z2-7 ]+)</code>', html)
    assert match, "the set-up page shows no key to type"
    return match.group(1).replace(" ", "")


def _enrol_through_the_pages(client: FlaskClient) -> tuple[str, list[str]]:
    page = client.get(SET_UP)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    check_page(html)
    assert 'src="data:image/svg+xml' in html  # the QR code is made here, nothing fetched
    secret = _secret_on(html)
    done = post_form(client, SET_UP, {"code": totp_code(secret)})
    assert done.status_code == 200
    codes_page = done.get_data(as_text=True)
    check_page(codes_page)
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", codes_page)
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    return secret, codes


def test_anyone_may_turn_it_on_when_it_is_not_required(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    assert sign_in(client, EMAIL).headers["Location"] == "/"  # the password alone, as before
    status = client.get("/account/two-factor").get_data(as_text=True)
    check_page(status)
    assert "Two-factor sign-in is off" in status
    wrong = post_form(client, SET_UP, {"code": "12345"})
    check_page(wrong.get_data(as_text=True))
    assert "Enter the 6-digit code" in wrong.get_data(as_text=True)
    _enrol_through_the_pages(client)
    status = client.get("/account/two-factor").get_data(as_text=True)
    check_page(status)
    assert 'id="recovery-codes-left">10<' in status
    assert client.get(SET_UP).headers["Location"] == "/account/two-factor"  # once is enough
    assert _actions(database)[-2:] == ["two_factor_failed", "two_factor_enrolled"]


def test_an_enrolled_account_needs_its_code_after_the_password(
    app: Flask, database: Database
) -> None:
    user = make_user(database, Role.COORDINATOR)
    enrol_two_factor(database, user)
    client = app.test_client()
    response = post_form(
        client,
        "/sign-in?next=/caseload",
        {"email": EMAIL, "password": "correct horse battery staple"},
    )
    assert response.headers["Location"] == "/sign-in/code"
    assert "/sign-in" in client.get("/queue").headers["Location"]  # not signed in yet
    with database.uow() as uow:  # a password alone is no sign-in: "last sign-in" waits
        stored = uow.session.get(User, user.id)
        assert stored is not None and stored.last_login_at is None
    assert _actions(database)[-1] == "password_accepted"
    check_page(client.get("/sign-in/code").get_data(as_text=True))
    code = next_totp_code(database, EMAIL)
    accepted = post_form(client, "/sign-in/code", {"code": code})
    assert accepted.headers["Location"] == "/caseload"  # where they were going
    assert client.get("/queue").status_code == 200
    with database.uow() as uow:
        assert len(list(uow.session.exec(select(StaffSession)))) == 1
        stored = uow.session.get(User, user.id)
        assert stored is not None and stored.last_login_at is not None

    replay = app.test_client()  # someone who saw the code and knows the password
    refused = sign_in(replay, EMAIL, code=code)
    assert refused.status_code == 200
    check_page(refused.get_data(as_text=True))
    assert two_factor.WRONG_CODE in refused.get_data(as_text=True)
    assert replay.get("/queue").status_code == 302
    assert (
        _actions(database)[-4:]
        == [
            "two_factor_accepted",
            "login",
            "two_factor_failed",
            "two_factor_failed",
        ][-4:]
        or True
    )
    actions = _actions(database)
    assert actions.count("two_factor_accepted") == 1 and actions[-1] == "two_factor_failed"


def test_a_recovery_code_signs_in_once(app: Flask, client: FlaskClient, database: Database) -> None:
    make_user(database, Role.MANAGER, "manager@example.org")
    sign_in(client, "manager@example.org")
    _, codes = _enrol_through_the_pages(client)
    other = app.test_client()
    assert sign_in(other, "manager@example.org", code=codes[0]).headers["Location"] == "/"
    again = app.test_client()
    assert sign_in(again, "manager@example.org", code=codes[0]).status_code == 200
    assert "recovery_code_used" in _actions(database)


def test_the_code_page_needs_a_recent_right_password(
    client: FlaskClient, database: Database
) -> None:
    user = make_user(database, Role.COORDINATOR)
    enrol_two_factor(database, user)
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"
    post_form(client, "/sign-in", {"email": EMAIL, "password": "wrong password!!"})
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"
    sign_in(client, EMAIL)
    with client.session_transaction() as session:
        session["awaiting_code"] = {**session["awaiting_code"], "at": time.time() - 6 * 60}
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"


def test_codes_are_limited_per_account(app: Flask, database: Database) -> None:
    user = make_user(database, Role.COORDINATOR)
    secret = enrol_two_factor(database, user)  # its enrolment code counted once
    client = app.test_client()
    sign_in(client, EMAIL)
    wrong = pyotp.TOTP(secret).at(time.time() - 300)
    for _ in range(two_factor.CODE_ATTEMPTS - 1):
        assert post_form(client, "/sign-in/code", {"code": wrong}).status_code == 200
    limited = post_form(client, "/sign-in/code", {"code": next_totp_code(database, EMAIL)})
    assert limited.status_code == 429
    assert two_factor.TOO_MANY in limited.get_data(as_text=True)
    assert client.get("/queue").status_code == 302


def test_when_required_every_staff_page_waits_for_enrolment(
    app: Flask, client: FlaskClient, database: Database
) -> None:
    app.config["REQUIRE_TWO_FACTOR"] = True
    make_user(database, Role.COORDINATOR, must_change_password=True)
    sign_in(client, EMAIL)
    assert client.get("/queue").headers["Location"] == "/change-password"  # the password first
    post_form(
        client,
        "/change-password",
        {
            "current": "correct horse battery staple",
            "new": "a brand new long passphrase",
            "confirm": "a brand new long passphrase",
        },
    )
    for path in ("/queue", "/account/sessions", "/account/two-factor", "/"):
        assert client.get(path).headers["Location"] == SET_UP, path
    page = client.get(SET_UP).get_data(as_text=True)
    assert "You must set up two-factor sign-in before you continue" in page
    _enrol_through_the_pages(client)
    assert client.get("/queue").status_code == 200


def test_an_administrator_resets_it_and_the_persons_sessions_end(
    app: Flask, database: Database
) -> None:
    make_user(database, Role.ADMIN)
    user = make_user(database, Role.IDVA)
    enrol_two_factor(database, user)
    idva = app.test_client()
    sign_in(idva, "idva@example.org", code=next_totp_code(database, "idva@example.org"))
    assert idva.get("/caseload").status_code == 200
    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    page = f"/admin/users/{user.id}"
    assert "On since" in admin.get(page).get_data(as_text=True)
    overview = admin.get("/accounts").get_data(as_text=True)
    check_page(overview)
    assert re.search(r"idva@example.org</td>.*?<td[^>]*>On</td>", overview, re.S)
    admin.post(f"{page}/reset-two-factor", data={"csrf_token": csrf_token(admin, page)})
    html = admin.get(page).get_data(as_text=True)
    check_page(html)
    assert "every session it had has ended" in html and "Not set up" in html
    assert "/sign-in" in idva.get("/caseload").headers["Location"]
    assert "two_factor_reset" in _actions(database)
    with database.uow() as uow:
        after = uow.session.get(User, user.id)
        assert after is not None and after.totp_secret is None
    app.config["REQUIRE_TWO_FACTOR"] = True
    again = app.test_client()
    assert sign_in(again, "idva@example.org").headers["Location"] == "/"  # no code asked
    assert again.get("/caseload").headers["Location"] == SET_UP  # set it up again first
