"""Server-side sessions: a row per sign-in, checked on every request, ended for good."""

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import col, select

from tests.factories import PASSWORD, make_user
from tests.web.pages import check_page, csrf_token, post_form, sign_in
from workflow.models import AuditEvent, StaffSession, User, utcnow
from workflow.models.staff import Role
from workflow.staff import sessions
from workflow.store.db import Database

EMAIL = "coordinator@example.org"


def _copy(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of `client`'s session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _rows(database: Database) -> list[StaffSession]:
    with database.uow() as work:
        return list(work.session.exec(select(StaffSession).order_by(col(StaffSession.id))))


def test_a_copied_cookie_stops_working_after_sign_out(
    app: Flask, client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    sign_in(client, EMAIL)
    thief = _copy(app, client)
    assert thief.get("/queue").status_code == 200  # the copy works while the session lives
    client.post("/sign-out", data={"csrf_token": _token(client)})
    response = thief.get("/queue")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    [row] = _rows(database)
    assert row.ended_at is not None and row.ended_why == sessions.SIGNED_OUT


def _token(client: FlaskClient) -> str:
    return csrf_token(client, "/account/sessions")


def test_a_disabled_users_existing_session_stops_on_its_next_request(
    client: FlaskClient, database: Database
) -> None:
    user = make_user(database, Role.COORDINATOR)
    sign_in(client, EMAIL)
    assert client.get("/queue").status_code == 200
    with database.uow() as work:
        row = work.session.get(User, user.id)
        assert row is not None
        row.active = False
        work.commit()
    response = client.get("/queue")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_cookie_holds_a_random_id_and_the_table_only_its_hash(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    sign_in(client, EMAIL)
    with client.session_transaction() as cookie:
        token = cookie["sid"]
    [row] = _rows(database)
    assert token not in row.token_hash and len(row.token_hash) == 64
    assert sessions.is_token(row, token)


def test_a_changed_password_ends_every_other_session_but_this_one(
    app: Flask, client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    other = app.test_client()
    sign_in(other, EMAIL)
    sign_in(client, EMAIL)
    new = "a much longer new passphrase"
    post_form(client, "/change-password", {"current": PASSWORD, "new": new, "confirm": new})
    assert client.get("/queue").status_code == 200
    assert other.get("/queue").status_code == 302
    ended = [r.ended_why for r in _rows(database)]
    assert ended == [sessions.NEW_PASSWORD, ""]


def test_sign_out_everywhere_ends_every_session_and_is_audited(
    app: Flask, client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    other = app.test_client()
    sign_in(other, EMAIL)
    sign_in(client, EMAIL)
    url = "/account/sessions/sign-out-everywhere"
    response = client.post(url, data={"csrf_token": _token(client)})
    assert "/sign-in" in response.headers["Location"]
    assert client.get("/queue").status_code == 302
    assert other.get("/queue").status_code == 302
    assert all(r.ended_why == sessions.EVERYWHERE for r in _rows(database))
    with database.uow() as work:
        actions = work.session.exec(select(AuditEvent.action)).all()
    assert "sign_out_everywhere" in actions


def test_the_sessions_page_lists_only_live_sessions_and_marks_this_one(
    app: Flask, client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    gone = app.test_client()
    sign_in(gone, EMAIL)
    gone.post("/sign-out", data={"csrf_token": _token(gone)})
    other = app.test_client()
    sign_in(other, EMAIL)
    sign_in(client, EMAIL)
    html = client.get("/account/sessions").get_data(as_text=True)
    check_page(html)
    assert html.count('<tr class="govuk-table__row">') == 1 + 2  # header and two live sessions
    assert html.count("This session") == 1


def test_a_session_idle_on_the_server_is_ended_whatever_the_cookie_says(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    sign_in(client, EMAIL)
    with database.uow() as work:
        row = work.session.exec(select(StaffSession)).one()
        row.seen_at = utcnow() - timedelta(minutes=20)
        work.commit()
    assert client.get("/queue").status_code == 302
    [row] = _rows(database)
    assert row.ended_why == sessions.IDLE


def test_sessions_page_needs_sign_in(client: FlaskClient) -> None:
    response = client.get("/account/sessions")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
