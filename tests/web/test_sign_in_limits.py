"""Sign-in limits through the pages: the owner's browser, known from an earlier sign-in, gets in
while a stranger has the account waiting; a cookie for another account or a forged one does not
help; and a new password is refused with the rule it broke."""

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import PASSWORD, make_user
from tests.web.pages import post_form, sign_in
from workflow.models.staff import Role
from workflow.staff import passwords
from workflow.store.db import Database

EMAIL = "coordinator@example.org"


def _lock_out(app: Flask) -> None:
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    for _ in range(6):
        sign_in(stranger, EMAIL, "a wrong guess")


def test_the_owners_browser_gets_in_while_a_stranger_has_the_account_waiting(
    app: Flask, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    owner = app.test_client()
    assert sign_in(owner, EMAIL).status_code == 302
    assert owner.get_cookie("known-browser") is not None
    owner.delete_cookie("session")  # signed out; the known-browser cookie stays
    _lock_out(app)
    new_browser = app.test_client()
    assert "locked after too many failed attempts" in sign_in(new_browser, EMAIL).get_data(
        as_text=True
    )
    assert sign_in(owner, EMAIL).status_code == 302


def test_a_cookie_for_another_account_or_a_forged_one_does_not_help(
    app: Flask, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    make_user(database, Role.IDVA)
    other = app.test_client()
    sign_in(other, "idva@example.org")
    other.delete_cookie("session")
    forged = app.test_client()
    forged.set_cookie("known-browser", "eyJlIjoiMCIsImIiOiJ4In0.forged.signature")
    _lock_out(app)
    for client in (other, forged):
        assert "locked" in sign_in(client, EMAIL).get_data(as_text=True)


def test_a_common_password_is_refused_saying_so_and_the_hint_lists_every_rule(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    sign_in(client, EMAIL)
    page = client.get("/change-password").get_data(as_text=True)
    assert passwords.RULES in page.replace("&#39;", "'")
    new = "Password1234!"
    response = post_form(
        client, "/change-password", {"current": PASSWORD, "new": new, "confirm": new}
    )
    assert "on a list of common passwords" in response.get_data(as_text=True)
