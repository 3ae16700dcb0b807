"""Switching from the stalking form to MARAC brings the referrer, victim and suspect along."""

import re
from html import unescape

from flask.testing import FlaskClient

from tests.forms.answers import STALKING, fill, token


def switched(client: FlaskClient, suspect: dict[str, object]) -> str:
    """Fill the stalking form up to a domestic-abuse suspect and press Make a MARAC referral."""
    slugs = list(STALKING)
    pages = {s: STALKING[s] for s in slugs[: slugs.index("suspect")]}
    csrf = fill(client, "stalking", pages)
    stop = client.post("/refer/stalking/suspect", data={**suspect, "csrf_token": csrf})
    assert stop.headers["Location"].endswith("/refer/stalking/stop/domestic-abuse")
    csrf = token(client, "/refer/stalking/stop/domestic-abuse")
    begun = client.post("/refer/marac/start", data={"csrf_token": csrf, "carry": "stalking"})
    return str(begun.headers["Location"])


def test_the_suspect_becomes_the_perpetrator_to_check_and_save(client: FlaskClient) -> None:
    suspect = {
        "suspect_name": "Dan Kerr",
        "suspect_date_of_birth": ["14", "6", "1985"],
        "suspect_relationship": "ex_partner",
        "suspect_description": "Tall; drives a grey van",
    }
    assert switched(client, suspect).endswith("/refer/marac/perpetrator")  # not skipped
    html = unescape(client.get("/refer/marac/perpetrator").get_data(as_text=True))
    assert "brought these details across from your stalking referral" in html
    assert re.search(r'name="perpetrator_name"[^>]*value="Dan Kerr"', html)
    assert 'value="14"' in html and 'value="1985"' in html
    assert re.search(r'value="ex_partner" checked', html)
    assert "grey van" not in html  # the MARAC form has no place for a description
    victim = unescape(client.get("/refer/marac/victim").get_data(as_text=True))
    assert 'value="Jade Allen"' in victim and "brought these details across" not in victim
    # Not saved for the referrer: the check page still sends them to the perpetrator page.
    check = client.get("/refer/marac/check")
    assert check.headers["Location"].endswith("/refer/marac/perpetrator")


def test_a_family_member_suspect_comes_across_as_a_family_member_perpetrator(
    client: FlaskClient,
) -> None:
    switched(client, {"suspect_name": "Kim Roe", "suspect_relationship": "family"})
    html = client.get("/refer/marac/perpetrator").get_data(as_text=True)
    assert re.search(r'value="family" checked', html) and 'value="Kim Roe"' in html
