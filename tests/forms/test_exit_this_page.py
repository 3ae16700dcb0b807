"""Every public referral page carries GOV.UK's Exit this page; staff pages do not."""

from flask.testing import FlaskClient

from tests.forms.answers import STALKING, fill
from tests.web.pages import check_page

EXIT = 'data-module="govuk-exit-this-page"'


def test_every_public_referral_page_has_exit_this_page(client: FlaskClient) -> None:
    fill(client, "stalking", STALKING)
    for url in (
        "/refer/",
        "/refer/stalking",
        "/refer/marac",
        "/refer/stalking/referrer",
        "/refer/stalking/wants",
        "/refer/stalking/check",
        "/refer/stalking/stop/out_of_area",
    ):
        html = client.get(url).get_data(as_text=True)
        check_page(html)
        assert html.count(EXIT) == 1, url
        assert 'href="https://www.bbc.co.uk/weather"' in html
        assert 'rel="nofollow noreferrer"' in html


def test_the_sign_in_page_has_none(client: FlaskClient) -> None:
    assert EXIT not in client.get("/sign-in").get_data(as_text=True)
