"""A web-form referrer is "not yet confirmed" until they open the link mailed to the typed
address; the acknowledgement says "Dear colleague" and repeats nothing typed (issue 16, item 6)."""

import re
from datetime import timedelta

from flask.testing import FlaskClient
from sqlmodel import col, select

from tests.factories import make_user
from tests.forms.answers import STALKING, fill
from tests.forms.test_referral_forms import only, outcomes, send
from tests.web.pages import check_page, csrf_token, sign_in
from workflow.models import AuditEvent, Outbox, ReferrerConfirmation, utcnow
from workflow.models.staff import Role
from workflow.store.db import Database
from workflow.web_referrals.referrer_confirmation import WEB_FORM_REASON


def _sent(client: FlaskClient, database: Database) -> tuple[Outbox, str]:
    csrf = fill(client, "stalking", STALKING)
    send(client, "stalking", csrf)
    with database.uow() as work:
        mail = work.session.exec(select(Outbox)).one()
    link = re.search(r"http://\S+/confirm-referrer/(\S+)", mail.body_text)
    assert link is not None, mail.body_text
    return mail, "/confirm-referrer/" + link.group(1)


def _reason(database: Database) -> str:
    referral = only(database)
    return next(o["reason"] for o in referral.rule_outcomes if o["rule"] == "referrer")


def test_a_typed_police_address_is_not_verified_until_its_owner_confirms(
    client: FlaskClient, database: Database
) -> None:
    mail, path = _sent(client, database)
    referral = only(database)
    staff = client.application.test_client()
    sign_in(staff, make_user(database, Role.COORDINATOR).email)
    page = staff.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Referrer email not yet confirmed." in page
    assert outcomes(referral)["referrer"] == "check"
    assert _reason(database).startswith(WEB_FORM_REASON)
    assert referral.details["referrer_unconfirmed"] == WEB_FORM_REASON
    # The acknowledgement greets no typed name and repeats nothing the typist wrote.
    assert mail.body_text.startswith("Dear colleague,")
    assert referral.referrer_name not in mail.body_text
    assert "confirm your email address" in mail.subject
    for typed in (referral.referrer_agency, referral.victim_name):
        assert typed and typed not in mail.body_text
    with database.uow() as work:
        stored = work.session.exec(select(ReferrerConfirmation)).one()
    assert stored.token_hash != path.rsplit("/", 1)[1] and len(stored.token_hash) == 64
    # Opening the link only shows a button (a mail scanner following links confirms nothing).
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    check_page(html)
    assert referral.reference in html and referral.referrer_name not in html
    assert outcomes(only(database))["referrer"] == "check"
    done = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert done.status_code == 200 and "Email address confirmed" in done.get_data(as_text=True)
    confirmed = only(database)
    assert outcomes(confirmed)["referrer"] == "met"
    assert "referrer_unconfirmed" not in confirmed.details
    page = staff.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Referrer email not yet confirmed." not in page
    with database.uow() as work:
        [event] = work.session.exec(
            select(AuditEvent).where(col(AuditEvent.action) == "referrer_confirmed")
        ).all()
    assert event.object_id == confirmed.id and event.actor_label == "system:referrer-confirmation"
    # The link is one-time.
    again = client.get(path)
    assert again.status_code == 410 and "used already" in again.get_data(as_text=True)


def test_an_expired_or_unknown_link_confirms_nothing(
    client: FlaskClient, database: Database
) -> None:
    _, path = _sent(client, database)
    with database.uow() as work:
        stored = work.session.exec(select(ReferrerConfirmation)).one()
        stored.expires_at = utcnow() - timedelta(minutes=1)
        work.commit()
    expired = client.get(path)
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    posted = client.post(path, data={"csrf_token": csrf_token(client, "/sign-in")})
    assert posted.status_code == 410
    assert outcomes(only(database))["referrer"] == "check"
    assert client.get("/confirm-referrer/not-a-real-token").status_code == 404
