"""Behind the TLS proxy (X-Forwarded-Proto: https, PROXY_HOPS=1), as production runs: forms work
without a Referer, another site's POST is refused, and the CSRF token is still required."""

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from tests.factories import PASSWORD, make_user
from workflow.models.staff import Role
from workflow.store.db import Database

BASE = "https://localhost"  # the test client's host, as the proxy passes it on
PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
OWN_ORIGIN = {"Origin": BASE}


@pytest.fixture
def tls_app(database: Database, database_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "TESTING": True,
            "BEHIND_TLS": True,
            "PROXY_HOPS": 1,
        }
    )
    app.extensions["database"] = database
    yield app


@pytest.fixture
def tls_client(tls_app: Flask) -> FlaskClient:
    # The test client talks plain http to the app, as nginx does; the proxy header says https.
    return tls_app.test_client()


def _token(client: FlaskClient, path: str) -> str:
    html = client.get(path, headers=PROXY).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def _sign_in(client: FlaskClient, headers: dict[str, str], with_token: bool = True):  # type: ignore[no-untyped-def]
    data = {"email": "coordinator@example.org", "password": PASSWORD}
    if with_token:
        data["csrf_token"] = _token(client, "/sign-in")
    return client.post("/sign-in", data=data, headers={**PROXY, **headers})


def test_sign_in_over_https_works_without_a_referer(
    tls_client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    response = _sign_in(tls_client, OWN_ORIGIN)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert tls_client.get("/queue", headers=PROXY).status_code == 200


def test_a_public_referral_form_starts_over_https_without_a_referer(
    tls_client: FlaskClient,
) -> None:
    token = _token(tls_client, "/refer/stalking")
    response = tls_client.post(
        "/refer/stalking/start", data={"csrf_token": token}, headers={**PROXY, **OWN_ORIGIN}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "http://localhost"},  # a downgraded page is another origin
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Referer": "https://evil.example/page"},
    ],
)
def test_a_post_from_another_origin_is_refused(
    tls_client: FlaskClient, database: Database, headers: dict[str, str]
) -> None:
    make_user(database, Role.COORDINATOR)
    assert _sign_in(tls_client, headers).status_code == 400
    assert tls_client.get("/queue", headers=PROXY).status_code == 302  # not signed in


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "same-origin"}, {"Referer": f"{BASE}/sign-in"}, {}],
)
def test_other_same_origin_signals_are_accepted(
    tls_client: FlaskClient, database: Database, headers: dict[str, str]
) -> None:
    make_user(database, Role.COORDINATOR)
    assert _sign_in(tls_client, headers).status_code == 302


def test_the_base_url_is_our_origin_too_whatever_host_a_proxy_passes_on(
    tls_app: Flask, tls_client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    tls_app.config["BASE_URL"] = "https://referrals.example.org"
    assert _sign_in(tls_client, {"Origin": "https://referrals.example.org"}).status_code == 302


def test_the_csrf_token_is_still_required_over_https(
    tls_client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    tls_client.get("/sign-in", headers=PROXY)
    assert _sign_in(tls_client, OWN_ORIGIN, with_token=False).status_code == 400


def test_pages_keep_same_origin_referrers_only(tls_client: FlaskClient) -> None:
    assert tls_client.get("/sign-in", headers=PROXY).headers["Referrer-Policy"] == "same-origin"
