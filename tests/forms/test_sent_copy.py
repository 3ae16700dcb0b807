"""The confirmation page shows the referrer their own printable copy of what they sent."""

import re
from datetime import timedelta
from html import unescape

from flask.testing import FlaskClient
from sqlmodel import select

from tests.forms.answers import STALKING, fill, marac, submit_token
from tests.web.pages import check_page
from workflow.models import Outbox, ReferralDraft, utcnow
from workflow.store.db import Database


def sent(client: FlaskClient, kind: str, pages: dict) -> str:  # type: ignore[type-arg]
    csrf = fill(client, kind, pages)
    token = submit_token(client.get(f"/refer/{kind}/check").get_data(as_text=True))
    response = client.post(f"/refer/{kind}/check", data={"csrf_token": csrf, "submit_token": token})
    assert response.headers["Location"].endswith(f"/refer/{kind}/done")
    return csrf


def test_the_confirmation_page_has_a_copy_of_every_page_without_change_links(
    client: FlaskClient, database: Database
) -> None:
    pages = marac(17)
    sent(client, "marac", pages)
    html = unescape(client.get("/refer/marac/done").get_data(as_text=True))
    check_page(html)
    assert "Your copy of the referral" in html and "We do not email it to you" in html
    titles = re.findall(r'<h2 class="govuk-summary-card__title">\s*(.*?)\s*</h2>', html)
    assert len(titles) == len(pages)
    assert "Jade Allen" in html and "Ryan Allen" in html
    assert "Change" not in html.split("<main")[1]
    assert 'data-app-print="true"' in html  # shown by JavaScript, which prints
    with database.uow() as work:  # the copy is not mailed: the outbox has the acknowledgement only
        mail = list(work.session.exec(select(Outbox)))
        assert work.session.exec(select(ReferralDraft)).one().pages == {}  # shown once, gone
    assert all("Jade Allen" not in (m.body_text or "") for m in mail)
    again = client.get("/refer/marac/done").get_data(as_text=True)
    assert "REF-" in again and "Jade Allen" not in again and "Your copy" not in again


def test_the_page_can_be_cleared_and_the_draft_is_gone_after_an_hour(
    client: FlaskClient, database: Database
) -> None:
    csrf = sent(client, "stalking", STALKING)
    client.post("/refer/stalking/delete", data={"csrf_token": csrf})
    assert client.get("/refer/stalking/done").headers["Location"].endswith("/refer/stalking")
    with database.uow() as work:
        assert not list(work.session.exec(select(ReferralDraft)))
    sent(client, "stalking", STALKING)
    with database.uow() as work:
        draft = work.session.exec(select(ReferralDraft)).one()
        draft.expires_at = utcnow() - timedelta(seconds=1)  # the hour has passed
        work.session.add(draft)
        work.commit()
    assert client.get("/refer/stalking/done").status_code == 302
