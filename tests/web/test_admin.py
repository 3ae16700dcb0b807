"""Administrators add accounts; the new person's first password works once and must be changed."""

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import col, select

from tests.factories import make_user
from tests.web.pages import check_page, csrf_token, post_form, sign_in
from workflow.models import User
from workflow.models.staff import Role
from workflow.store.db import Database


def test_an_admin_adds_an_idva_who_must_change_the_first_password(
    app: Flask, database: Database
) -> None:
    make_user(database, Role.ADMIN)
    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    check_page(admin.get("/admin/users/new").get_data(as_text=True))
    created = post_form(
        admin,
        "/admin/users/new",
        {"email": "Ida@Example.org", "name": "Ida Vance", "role": "idva"},
        follow_redirects=True,
    )
    page = created.get_data(as_text=True)
    password = re.search(r"Give this first password to the person privately: (\S+)", page)
    assert password, page
    assert "ida@example.org" in page

    idva = app.test_client()
    sign_in(idva, "ida@example.org", password.group(1))
    assert idva.get("/caseload").status_code == 302  # not before a second person approves
    manager = app.test_client()
    make_user(database, Role.MANAGER)
    sign_in(manager, "manager@example.org")
    with database.uow() as work:
        ida = work.session.exec(select(User).where(col(User.email) == "ida@example.org")).one()
    token = csrf_token(manager, "/accounts")
    manager.post(f"/accounts/{ida.id}/approve", data={"csrf_token": token})
    assert sign_in(idva, "ida@example.org", password.group(1)).status_code == 302
    assert "/change-password" in idva.get("/caseload").headers["Location"]


def test_the_new_account_form_explains_its_errors(client: FlaskClient, database: Database) -> None:
    make_user(database, Role.ADMIN)
    sign_in(client, "admin@example.org")
    response = post_form(client, "/admin/users/new", {"email": "not an address", "role": ""})
    page = check_page(response.get_data(as_text=True))
    assert page.error_summary
    html = response.get_data(as_text=True)
    assert "Enter an email address in the correct format" in html and "Select a role" in html


def test_a_duplicate_account_is_refused_clearly(client: FlaskClient, database: Database) -> None:
    make_user(database, Role.ADMIN)
    make_user(database, Role.IDVA)
    sign_in(client, "admin@example.org")
    response = post_form(client, "/admin/users/new", {"email": "idva@example.org", "role": "idva"})
    assert check_page(response.get_data(as_text=True)).error_summary


def test_the_first_password_never_travels_in_the_session_cookie(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.ADMIN)
    sign_in(client, "admin@example.org")
    created = post_form(
        client, "/admin/users/new", {"email": "ida@example.org", "name": "Ida", "role": "idva"}
    )
    assert created.status_code == 200
    password = re.search(r"first password to the person privately: (\S+)", created.text)
    assert password, created.text
    with client.session_transaction() as session:
        assert password.group(1) not in repr(dict(session))
    assert created.headers["Cache-Control"] == "no-store"
