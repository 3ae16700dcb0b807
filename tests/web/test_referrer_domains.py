"""The referrer-domain page: administrators only, CSRF on both forms, errors explained."""

from flask.testing import FlaskClient
from sqlmodel import select

from tests.factories import make_user
from tests.web.pages import check_page, csrf_token, post_form, sign_in
from workflow.models import ProfessionalDomain
from workflow.models.staff import Role
from workflow.store.db import Database

PAGE = "/admin/referrer-domains"


def test_an_admin_adds_and_removes_a_domain(client: FlaskClient, database: Database) -> None:
    make_user(database, Role.ADMIN)
    sign_in(client, "admin@example.org")
    page = check_page(client.get(PAGE).get_data(as_text=True))
    assert not page.error_summary
    added = post_form(
        client, PAGE, {"domain": "stneots-college.ac.uk.example", "agency": "A college"},
        follow_redirects=True,
    )  # fmt: skip
    html = added.get_data(as_text=True)
    assert "stneots-college.ac.uk.example added" in html and "A college" in html
    with database.uow() as uow:
        row = uow.session.exec(
            select(ProfessionalDomain).where(
                ProfessionalDomain.domain == "stneots-college.ac.uk.example"
            )
        ).one()
    token = csrf_token(client, PAGE)
    removed = client.post(
        f"{PAGE}/{row.id}/remove", data={"csrf_token": token}, follow_redirects=True
    )
    assert "stneots-college.ac.uk.example removed" in removed.get_data(as_text=True)


def test_a_personal_mail_domain_is_refused_with_the_reason(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.ADMIN)
    sign_in(client, "admin@example.org")
    response = post_form(client, PAGE, {"domain": "gmail.com", "agency": "Nobody"})
    assert check_page(response.get_data(as_text=True)).error_summary
    assert "personal mail provider" in response.get_data(as_text=True)


def test_removing_without_the_csrf_token_is_refused(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.ADMIN)
    sign_in(client, "admin@example.org")
    with database.uow() as uow:
        row = uow.session.exec(select(ProfessionalDomain)).first()
    assert row is not None
    assert client.post(f"{PAGE}/{row.id}/remove").status_code == 400


def test_staff_who_are_not_administrators_cannot_open_it(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    sign_in(client, "coordinator@example.org")
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data={"domain": "x.org.uk"}).status_code in {400, 403}
