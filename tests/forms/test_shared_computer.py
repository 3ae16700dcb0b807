"""Referral drafts on a shared computer: the key's cookie lasts no longer than the draft (and on a
computer the referrer says is shared, only until the browser closes, with a 30-minute draft); a
sent referral's draft keeps no answers and goes an hour later."""

import re
from datetime import timedelta

from flask.testing import FlaskClient
from sqlmodel import select

from tests.forms.answers import STALKING, fill, post_page, submit_token, token
from workflow.models import ReferralDraft, utcnow
from workflow.store.db import Database


def _draft(database: Database) -> ReferralDraft:
    with database.uow() as work:
        return work.session.exec(select(ReferralDraft)).one()


def _started_on_a_shared_computer(client: FlaskClient) -> str:
    csrf = token(client, "/refer/stalking")
    response = client.post("/refer/stalking/start", data={"csrf_token": csrf, "shared": "yes"})
    assert response.status_code == 302
    return csrf


def test_the_start_page_offers_the_shared_computer_choice(client: FlaskClient) -> None:
    html = client.get("/refer/stalking").get_data(as_text=True)
    assert "This is a shared or public computer" in html
    assert "deleted after 30 minutes unused" in html


def test_on_a_shared_computer_the_key_ends_with_the_browser_and_the_draft_in_30_minutes(
    client: FlaskClient, database: Database
) -> None:
    csrf = _started_on_a_shared_computer(client)
    begun = utcnow()
    cookie = client.get_cookie("referral-draft-stalking", path="/refer/")
    assert cookie is not None and cookie.expires is None  # a browser-session cookie
    assert post_page(client, "stalking", "referrer", STALKING["referrer"], csrf).status_code == 302
    expires = _draft(database).expires_at
    assert begun + timedelta(minutes=29) < expires <= utcnow() + timedelta(minutes=30)


def test_elsewhere_the_key_lasts_no_longer_than_the_draft(
    client: FlaskClient, database: Database
) -> None:
    fill(client, "stalking", {"referrer": STALKING["referrer"]})
    cookie = client.get_cookie("referral-draft-stalking", path="/refer/")
    assert cookie is not None and cookie.expires is not None
    assert cookie.expires.timestamp() <= (utcnow() + timedelta(hours=24, minutes=1)).timestamp()
    assert _draft(database).expires_at <= utcnow() + timedelta(hours=24)


def test_a_sent_referrals_draft_keeps_no_answers_and_goes_an_hour_later(
    client: FlaskClient, database: Database
) -> None:
    csrf = fill(client, "stalking", STALKING)
    page = client.get("/refer/stalking/check").get_data(as_text=True)
    sent = client.post(
        "/refer/stalking/check", data={"csrf_token": csrf, "submit_token": submit_token(page)}
    )
    assert sent.status_code == 302
    # The confirmation page shows the answers once, as the referrer's copy, and they go.
    assert re.search(r"REF-\d{4}-", client.get("/refer/stalking/done").get_data(as_text=True))
    draft = _draft(database)
    assert draft.pages == {} and draft.expires_at <= utcnow() + timedelta(hours=1)
