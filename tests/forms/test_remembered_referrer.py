"""A referrer's own details are remembered on their device only if they tick the box."""

import base64
import json
import re
from html import unescape

from flask.testing import FlaskClient

from tests.forms.answers import REFERRER, STALKING, post_page, start, token

COOKIE = "referrer-details"


def saved_referrer(client: FlaskClient, remember: bool) -> None:
    csrf = start(client, "marac")
    data = {**REFERRER, **({"remember_referrer": "yes"} if remember else {})}
    assert post_page(client, "marac", "referrer", data, csrf).status_code == 302


def test_ticked_the_referrers_details_alone_are_kept_a_year(client: FlaskClient) -> None:
    saved_referrer(client, remember=True)
    cookie = client.get_cookie(COOKIE, path="/refer/")
    assert cookie is not None and cookie.http_only
    kept = json.loads(base64.urlsafe_b64decode(cookie.value))
    assert kept == REFERRER  # nothing else: no victim's details
    assert cookie.expires is not None


def test_a_new_referral_fills_them_in_to_check_not_saved(client: FlaskClient) -> None:
    saved_referrer(client, remember=True)
    client.post("/refer/marac/delete", data={"csrf_token": token(client, "/refer/marac")})
    begun = client.post(
        "/refer/stalking/start", data={"csrf_token": token(client, "/refer/stalking")}
    )
    assert begun.headers["Location"].endswith("/refer/stalking/referrer")
    html = unescape(client.get("/refer/stalking/referrer").get_data(as_text=True))
    assert "the details you asked this device to remember" in html
    assert re.search(r'name="referrer_name"[^>]*value="Holly Martin"', html)
    assert re.search(r'name="remember_referrer"[^>]*checked', html)
    # Still to be saved: the next page is not reachable past it.
    assert client.get("/refer/stalking/check").headers["Location"].endswith("/referrer")


def test_not_ticked_nothing_is_kept_and_unticking_forgets(client: FlaskClient) -> None:
    saved_referrer(client, remember=False)
    assert client.get_cookie(COOKIE, path="/refer/") is None
    saved_referrer(client, remember=True)
    assert client.get_cookie(COOKIE, path="/refer/") is not None
    saved_referrer(client, remember=False)
    assert client.get_cookie(COOKIE, path="/refer/") is None


def test_a_shared_computer_is_not_offered_the_box(client: FlaskClient) -> None:
    csrf = token(client, "/refer/stalking")
    client.post("/refer/stalking/start", data={"csrf_token": csrf, "shared": "yes"})
    html = client.get("/refer/stalking/referrer").get_data(as_text=True)
    assert "remember_referrer" not in html
    data = {**STALKING["referrer"], "remember_referrer": "yes"}
    assert post_page(client, "stalking", "referrer", data, csrf).status_code == 302
    assert client.get_cookie(COOKIE, path="/refer/") is None


def test_a_tampered_cookie_is_ignored(client: FlaskClient) -> None:
    client.set_cookie(COOKIE, "not-base64-json!", path="/refer/")
    start(client, "marac")
    assert client.get("/refer/marac/referrer").status_code == 200
