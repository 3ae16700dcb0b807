"""Numbers and names from a query string or a path never give a 500: the queue passes on only
its own filters (never _external, _scheme or _anchor), and Unicode digits or huge numbers in a
page, an IDVA filter or an id read as "not a number" or "not found"."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_referral, make_user
from tests.web.pages import csrf_token, sign_in
from workflow.models.staff import Role
from workflow.store.db import Database

HUGE = "9" * 30


@pytest.fixture
def desk(app: Flask, database: Database) -> FlaskClient:
    make_referral(database)
    make_user(database, Role.COORDINATOR)
    client = app.test_client()
    sign_in(client, "coordinator@example.org")
    return client


def test_the_query_string_cannot_set_url_fors_own_arguments(desk: FlaskClient) -> None:
    response = desk.get(
        "/queue?_external=1&_scheme=javascript&_anchor=x&_method=POST&state=received&page=1"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "javascript" not in html and "http://localhost/queue" not in html
    assert "_external" not in html and "_anchor" not in html
    assert 'action="/queue/search?state=received' in html  # its own filters still carried


@pytest.mark.parametrize(
    "query",
    [
        "page=²",
        "page=٣",
        f"page={HUGE}",
        "page=" + "9" * 5000,
        "page=-1",
        "idva=²",
        f"idva={HUGE}",
        "idva=" + "1" * 5000,
    ],
)
def test_odd_numbers_in_the_query_string_are_not_a_500(desk: FlaskClient, query: str) -> None:
    response = desk.get(f"/queue?{query}")
    assert response.status_code == 200
    assert "referrals" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("page", ["²", HUGE, "-5"])
def test_odd_page_numbers_in_a_search_are_not_a_500(desk: FlaskClient, page: str) -> None:
    token = csrf_token(desk, "/queue")
    response = desk.post("/queue/search", data={"q": "Jade", "page": page, "csrf_token": token})
    assert response.status_code == 200
    assert "Jade Allen" in response.get_data(as_text=True) or page == "²"


@pytest.mark.parametrize(
    "path",
    [
        f"/referrals/{HUGE}",
        "/referrals/2147483648",
        "/referrals/٣",
        f"/referrals/{HUGE}/print",
        f"/attachments/{HUGE}",
        f"/messages/{HUGE}/original",
        f"/intake/messages/{HUGE}",
    ],
)
def test_huge_or_foreign_ids_in_a_path_are_not_found(desk: FlaskClient, path: str) -> None:
    assert desk.get(path).status_code == 404
