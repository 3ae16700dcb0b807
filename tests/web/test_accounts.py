"""Account lifecycle: disable, enable, unlock, reset, role changes a second person approves."""

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import col, select

from tests.factories import SYSTEM, make_user
from tests.web.pages import check_page, csrf_token, post_form, sign_in
from workflow.models import AuditEvent, Outbox, StaffSession, User, utcnow
from workflow.models.staff import Role
from workflow.staff import accounts, sessions
from workflow.store.db import Database


def _signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    sign_in(client, email)
    return client


def _press(client: FlaskClient, url: str, page: str) -> str:
    """Press a confirm button whose form is on `page`; return the page it leads to."""
    client.post(url, data={"csrf_token": csrf_token(client, page)})
    return client.get(page).get_data(as_text=True)


def _choose_role(client: FlaskClient, user_id: int | None, role: str):  # type: ignore[no-untyped-def]
    page = f"/admin/users/{user_id}"
    token = csrf_token(client, page)
    return client.post(f"{page}/role", data={"role": role, "csrf_token": token})


def _user(database: Database, email: str) -> User:
    with database.uow() as work:
        return work.session.exec(select(User).where(col(User.email) == email)).one()


def _actions(database: Database) -> list[str]:
    with database.uow() as work:
        return list(work.session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))))


def test_disabling_ends_the_persons_sessions_at_once_and_is_audited(
    app: Flask, database: Database
) -> None:
    make_user(database, Role.ADMIN)
    user = make_user(database, Role.COORDINATOR)
    coordinator = _signed_in(app, "coordinator@example.org")
    assert coordinator.get("/queue").status_code == 200
    admin = _signed_in(app, "admin@example.org")
    page = f"/admin/users/{user.id}"
    html = _press(admin, f"{page}/disable", page)
    assert "disabled: every session it had has ended" in html
    assert coordinator.get("/queue").status_code == 302
    with database.uow() as work:
        rows = work.session.exec(select(StaffSession).where(StaffSession.user_id == user.id))
        assert [r.ended_why for r in rows] == [sessions.DISABLED]
    assert "disable" in _actions(database)
    assert sign_in(app.test_client(), "coordinator@example.org").status_code == 200  # refused

    _press(admin, f"{page}/enable", page)
    assert sign_in(app.test_client(), "coordinator@example.org").status_code == 302


def test_an_admin_cannot_disable_themselves(app: Flask, database: Database) -> None:
    me = make_user(database, Role.ADMIN)
    admin = _signed_in(app, "admin@example.org")
    html = _press(admin, f"/admin/users/{me.id}/disable", f"/admin/users/{me.id}")
    assert "cannot disable your own account" in html
    assert _user(database, "admin@example.org").active


def test_unlock_clears_a_lockout(app: Flask, database: Database) -> None:
    make_user(database, Role.ADMIN)
    user = make_user(database, Role.IDVA, locked_until=utcnow() + timedelta(minutes=15))
    admin = _signed_in(app, "admin@example.org")
    html = admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    check_page(html)
    assert "sign-in locked" in html
    _press(admin, f"/admin/users/{user.id}/unlock", f"/admin/users/{user.id}")
    assert _user(database, "idva@example.org").locked_until is None
    assert sign_in(app.test_client(), "idva@example.org").status_code == 302


def test_a_case_reading_role_waits_for_a_second_person(app: Flask, database: Database) -> None:
    make_user(database, Role.ADMIN)
    make_user(database, Role.ADMIN, "second-admin@example.org")
    target = make_user(database, Role.ADMIN, "helper@example.org")
    admin = _signed_in(app, "admin@example.org")
    response = _choose_role(admin, target.id, "manager")
    assert response.status_code == 302
    assert _user(database, "helper@example.org").role is Role.ADMIN  # not yet
    assert _user(database, "helper@example.org").pending_role is Role.MANAGER

    # Neither the one who asked nor the account's owner may approve it.
    for email in ("admin@example.org", "helper@example.org"):
        html = _press(_signed_in(app, email), f"/accounts/{target.id}/approve", "/accounts")
        assert "A second person must approve this" in html
    assert _user(database, "helper@example.org").role is Role.ADMIN

    second = _signed_in(app, "second-admin@example.org")
    overview = second.get("/accounts").get_data(as_text=True)
    check_page(overview)
    assert "helper@example.org" in overview and "Roles waiting for approval" in overview
    _press(second, f"/accounts/{target.id}/approve", "/accounts")
    assert _user(database, "helper@example.org").role is Role.MANAGER
    assert {"request_role", "approve_role"} <= set(_actions(database))


def test_giving_the_admin_role_needs_no_approval(app: Flask, database: Database) -> None:
    make_user(database, Role.ADMIN)
    target = make_user(database, Role.IDVA)
    admin = _signed_in(app, "admin@example.org")
    _choose_role(admin, target.id, "admin")
    assert _user(database, "idva@example.org").role is Role.ADMIN
    assert "change_role" in _actions(database)


def test_a_refused_new_account_stays_off(app: Flask, database: Database) -> None:
    make_user(database, Role.ADMIN)
    make_user(database, Role.MANAGER)
    admin = _signed_in(app, "admin@example.org")
    post_form(admin, "/admin/users/new", {"email": "new@example.org", "role": "coordinator"})
    new = _user(database, "new@example.org")
    assert not new.active and new.pending_role is Role.COORDINATOR
    manager = _signed_in(app, "manager@example.org")
    _press(manager, f"/accounts/{new.id}/reject", "/accounts")
    refused = _user(database, "new@example.org")
    assert not refused.active and refused.pending_role is None


def test_the_overview_shows_unused_accounts_to_managers_not_to_coordinators(
    app: Flask, database: Database
) -> None:
    make_user(database, Role.MANAGER)
    make_user(database, Role.COORDINATOR)
    manager = _signed_in(app, "manager@example.org")
    html = manager.get("/accounts").get_data(as_text=True)
    check_page(html)
    assert html.count("Unused</strong>") == 1  # the coordinator never signed in; the manager did
    assert _signed_in(app, "coordinator@example.org").get("/accounts").status_code == 403


def _mailed_link(database: Database, email: str) -> str:
    with database.uow() as work:
        mail = work.session.exec(
            select(Outbox).where(col(Outbox.kind) == accounts.SETUP_KIND)
        ).one()
    assert mail.to == [email]
    match = re.search(r"https?://[^/\s]+(/set-up/\S+)", mail.body_text)
    assert match, mail.body_text
    return match.group(1)


def test_a_reset_mails_a_one_time_link_the_admin_never_sees(app: Flask, database: Database) -> None:
    make_user(database, Role.ADMIN)
    user = make_user(database, Role.IDVA)
    idva = _signed_in(app, "idva@example.org")
    admin = _signed_in(app, "admin@example.org")
    page = f"/admin/users/{user.id}"
    response = admin.post(f"{page}/reset-password", data={"csrf_token": csrf_token(admin, page)})
    link = _mailed_link(database, "idva@example.org")
    seen = response.get_data(as_text=True) + admin.get(page).get_data(as_text=True)
    assert "set-up link, valid for 72 hours, was mailed" in seen
    assert link.rsplit("/", 1)[1] not in seen
    assert idva.get("/caseload").status_code == 302  # the session ended with the reset
    assert sign_in(app.test_client(), "idva@example.org").status_code == 200  # old one refused
    assert "reset_password" in _actions(database)

    person = app.test_client()
    check_page(person.get(link).get_data(as_text=True))
    new = "a fresh and long passphrase"
    assert post_form(person, link, {"new": new, "confirm": new}).status_code == 302
    assert sign_in(app.test_client(), "idva@example.org", new).status_code == 302
    again = person.get(link)
    assert again.status_code == 404 and "not valid or has expired" in again.get_data(as_text=True)


def test_a_set_up_link_expires_after_72_hours(app: Flask, database: Database) -> None:
    user = make_user(database, Role.IDVA)
    with database.uow() as work:
        accounts.reset_password(work, SYSTEM, user.id or 0, "http://desk.example")
    link = _mailed_link(database, "idva@example.org")
    with database.uow() as work:
        row = work.session.get(User, user.id)
        assert row is not None and row.setup_expires_at is not None
        row.setup_expires_at = utcnow() - timedelta(seconds=1)
        work.commit()
    response = app.test_client().get(link)
    assert response.status_code == 404
    check_page(response.get_data(as_text=True))


def test_an_admin_cannot_reset_their_own_password_here(app: Flask, database: Database) -> None:
    me = make_user(database, Role.ADMIN)
    admin = _signed_in(app, "admin@example.org")
    html = _press(admin, f"/admin/users/{me.id}/reset-password", f"/admin/users/{me.id}")
    assert "use Change your password" in html
