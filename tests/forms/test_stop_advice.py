"""What the stop pages advise (issue 15): domestic abuse is a DASH first, then the route by risk;
out of area still gives the professionals' advice line."""

import re
from html import unescape

import pytest
from flask.testing import FlaskClient

from tests.web.pages import check_page

ADVICE_LINE = "call the MARAC advice line for professionals on 01480 847718"


def _text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page(html)
    # The page's own advice, without the shared helplines list that every stop page ends with.
    body = html.split("Advice and helplines")[0]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


def test_domestic_abuse_advice_starts_with_a_dash_and_routes_by_risk(client: FlaskClient) -> None:
    text = _text(client, "/refer/stalking/stop/domestic-abuse")
    assert "This is domestic abuse: complete a DASH risk checklist" in text
    for advice in (
        "Complete a DASH risk checklist with the victim",
        "if the DASH score is 17 or more, or you have a professional concern",
        "make a MARAC referral",
        "if the DASH score is 14 to 16",
        "needs the victim's consent",
        "otherwise, refer the victim to local domestic abuse support, or " + ADVICE_LINE,
    ):
        assert advice in text, advice
    assert "make a MARAC referral instead" not in text  # not every case is MARAC's


@pytest.mark.parametrize("kind", ["stalking", "marac"])
def test_out_of_area_gives_the_professionals_advice_line(client: FlaskClient, kind: str) -> None:
    text = _text(client, f"/refer/{kind}/stop/out-of-area")
    assert "outside Cambridgeshire and Peterborough" in text and ADVICE_LINE in text
