"""First contact with the victim records when and how, on a channel marked safe; failed attempts
are logged, a mistaken first contact is withdrawn (audited), and a channel the referrer left open
can be confirmed safe. The referral new_referral makes marks calls safe and texts unsafe."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forms.contact import ContactForm
from tests.factories import actor_for, make_referral, make_user
from tests.queue.builders import audit_actions, fetch
from tests.web.pages import check_page, csrf_token, sign_in
from workflow.deadlines.working_time import LONDON, add_working_days
from workflow.errors import GuardFailed, PermissionDenied
from workflow.models import Referral, User, utcnow
from workflow.models.referral import Consent
from workflow.models.staff import Role
from workflow.queue import triage
from workflow.referrals import casework, contact
from workflow.referrals.casework import ConsentDecision
from workflow.store.db import Database


def _allocated(database: Database, coordinator: User, idva: User, **fields: Any) -> Referral:
    fields.setdefault("received_at", utcnow() - timedelta(days=1))  # contact an hour ago is after
    referral = make_referral(database, **fields)
    actor = actor_for(coordinator)
    with database.uow() as uow:
        casework.check_consent(uow, actor, referral.id, None, ConsentDecision(Consent.GIVEN))
    with database.uow() as uow:
        return casework.allocate(uow, actor, referral.id, None, idva.id or 0)


def _send(client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    return client.post(url, data={**data, "csrf_token": csrf_token(client, url)}, **kwargs)


def _contact(client: FlaskClient, referral: Referral, at: datetime, **changes: Any) -> Any:
    local = at.astimezone(LONDON)
    data = {
        "outcome": "made",
        "channel": "call",
        "day": [str(local.day), str(local.month), str(local.year)],
        "time": f"{local:%H:%M}",
        "note": "Spoke to her at work; her sister was with her.",
        "version": str(fetch_version(client, referral)),
        **changes,
    }
    return _send(client, f"/referrals/{referral.id}/contact", data)


def fetch_version(client: FlaskClient, referral: Referral) -> int:
    database = client.application.extensions["database"]
    return fetch(database, referral.id).version


def _an_hour_ago() -> datetime:
    return (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0)


def test_the_idva_records_when_and_how_and_the_review_clock_starts(
    database: Database, coordinator: User, idva: User, idva_client: FlaskClient
) -> None:
    referral = _allocated(database, coordinator, idva)
    assert referral.due_kind == "first_contact"
    page = idva_client.get(f"/referrals/{referral.id}/contact").get_data(as_text=True)
    check_page(page)
    assert 'value="call"' in page, "the channel the referrer marked safe is offered"
    assert 'value="text"' not in page and 'value="voicemail"' not in page
    at = _an_hour_ago()
    assert _contact(idva_client, referral, at).status_code == 302
    stored = fetch(database, referral.id)
    assert stored.first_contact_at == at and stored.due_kind == "review"
    assert stored.due_at == add_working_days(stored.last_activity_at, 20)  # type: ignore[arg-type]
    page = idva_client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    check_page(page)
    assert f"First contact made {triage.london(at, True)} by telephone call ({idva.email})" in page
    assert "her sister was with her" in page
    assert "Record contact or an attempt" not in page, "once only"
    event = [e for e in audit_actions(database, "referral") if "first contact" in e.summary][-1]
    assert event.actor_id == idva.id and event.after["channel"] == "call"
    again = _contact(idva_client, referral, at)
    assert "First contact is already recorded." in again.get_data(as_text=True)


def test_a_failed_attempt_is_logged_and_first_contact_stays_due(
    database: Database, coordinator: User, idva: User, idva_client: FlaskClient
) -> None:
    referral = _allocated(database, coordinator, idva)
    due = referral.due_at
    response = _contact(idva_client, referral, _an_hour_ago(), outcome="failed", note="No answer")
    assert response.status_code == 302
    stored = fetch(database, referral.id)
    assert stored.first_contact_at is None
    assert stored.due_kind == "first_contact" and stored.due_at == due, "clock from receipt"
    page = idva_client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Attempt did not reach the victim: Telephone call" in page and "No answer" in page
    assert "Record contact or an attempt" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"channel": "text"}, "Choose a channel marked safe"),
        ({"channel": "voicemail"}, "Choose a channel marked safe"),
        ({"time": "25:00"}, "Enter the time as hours and minutes"),
        ({"channel": ""}, "Select how you contacted the victim"),
    ],
)
def test_an_unsafe_channel_or_a_bad_time_is_refused(
    database: Database,
    coordinator: User,
    idva: User,
    idva_client: FlaskClient,
    changes: dict[str, str],
    message: str,
) -> None:
    referral = _allocated(database, coordinator, idva)
    response = _contact(idva_client, referral, _an_hour_ago(), **changes)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert fetch(database, referral.id).first_contact_at is None


def test_a_time_in_the_future_or_before_receipt_is_refused(
    database: Database, coordinator: User, idva: User
) -> None:
    referral = _allocated(database, coordinator, idva)
    for at, message in (
        (utcnow() + timedelta(hours=2), "must not be in the future"),
        (referral.received_at - timedelta(days=1), "after the referral was received"),
    ):
        attempt = contact.Attempt(at, "call", made=True)
        with database.uow() as uow, pytest.raises(GuardFailed, match=message):
            contact.record_contact_attempt(uow, actor_for(idva), referral.id or 0, None, attempt)


def test_a_mistaken_first_contact_is_withdrawn_with_a_reason_and_kept_in_the_log(
    database: Database, coordinator: User, idva: User, idva_client: FlaskClient
) -> None:
    referral = _allocated(database, coordinator, idva)
    due = referral.due_at
    at = _an_hour_ago()
    _contact(idva_client, referral, at)
    url = f"/referrals/{referral.id}/first-contact/withdraw"
    version = str(fetch(database, referral.id).version)
    empty = _send(idva_client, url, {"reason": " ", "version": version})
    assert "Say why the first contact is withdrawn" in empty.get_data(as_text=True)
    done = _send(idva_client, url, {"reason": "Pressed on the wrong case", "version": version})
    assert done.status_code == 302
    stored = fetch(database, referral.id)
    assert stored.first_contact_at is None
    assert stored.due_kind == "first_contact" and stored.due_at == due
    page = idva_client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Withdrawn" in page and "Pressed on the wrong case" in page
    assert "Record contact or an attempt" in page
    event = audit_actions(database, "referral")[-2]  # the last is the page view
    assert event.summary == "first contact withdrawn: Pressed on the wrong case"
    assert event.before == {"first_contact_at": at.isoformat(timespec="minutes")}
    assert event.after["first_contact_at"] is None


def test_a_channel_left_open_can_be_confirmed_safe_one_marked_unsafe_cannot(
    database: Database, coordinator: User, idva: User, idva_client: FlaskClient
) -> None:
    referral = _allocated(
        database, coordinator, idva, safe_contact={"call": False, "text": False, "email": None}
    )
    page = idva_client.get(f"/referrals/{referral.id}/contact").get_data(as_text=True)
    assert "No channel is marked safe. Do not contact the victim" in page
    assert 'value="call"' not in page and "Record contact</button>" not in page
    url = f"/referrals/{referral.id}/safe-channel"
    offered = idva_client.get(url).get_data(as_text=True)
    check_page(offered)
    assert 'value="email"' in offered and 'value="voicemail"' in offered
    assert 'value="text"' not in offered and 'value="call"' not in offered
    version = str(referral.version)
    refused = _send(idva_client, url, {"channel": "text", "how": "She said so", "version": version})
    assert "one they marked unsafe stays unsafe" in refused.get_data(as_text=True)
    how = "She told me in person at the clinic on 5 December that email is safe."
    sent = {"channel": "email", "how": how, "version": version}
    assert _send(idva_client, url, sent).status_code == 302
    page = idva_client.get(f"/referrals/{referral.id}/contact").get_data(as_text=True)
    assert 'value="email"' in page and 'value="call"' not in page
    event = [e for e in audit_actions(database, "referral") if "safe channel" in e.summary][-1]
    assert event.before == {"safe_channel": {"email": None}} and event.after["kind"] == (
        "channel_confirmed"
    )
    assert _contact(idva_client, referral, _an_hour_ago(), channel="email").status_code == 302
    assert fetch(database, referral.id).first_contact_at is not None


def test_only_the_allocated_idva_or_a_caseworker_may_record_contact(
    app: Flask, database: Database, coordinator: User, idva: User, desk: FlaskClient
) -> None:
    referral = _allocated(database, coordinator, idva)
    other = make_user(database, Role.IDVA, "other.idva@example.org")
    client = app.test_client()
    sign_in(client, other.email)
    for path in ("contact", "safe-channel", "first-contact/withdraw"):
        assert client.get(f"/referrals/{referral.id}/{path}").status_code == 403
    token = csrf_token(client, "/change-password")
    local = _an_hour_ago().astimezone(LONDON)
    sent = {
        "outcome": "made",
        "channel": "call",
        "day": [str(local.day), str(local.month), str(local.year)],
        "time": f"{local:%H:%M}",
        "version": str(referral.version),
        "csrf_token": token,
    }
    assert client.post(f"/referrals/{referral.id}/contact", data=sent).status_code == 403
    assert fetch(database, referral.id).first_contact_at is None
    attempt = contact.Attempt(_an_hour_ago(), "call", made=True)
    with database.uow() as uow, pytest.raises(PermissionDenied):
        contact.record_contact_attempt(uow, actor_for(other), referral.id or 0, None, attempt)
    admin = make_user(database, Role.ADMIN)
    with database.uow() as uow, pytest.raises(PermissionDenied):
        contact.record_contact_attempt(uow, actor_for(admin), referral.id or 0, None, attempt)
    assert _contact(desk, referral, _an_hour_ago()).status_code == 302, "a coordinator may"


def test_a_stale_page_is_told_and_nothing_is_recorded(
    database: Database, coordinator: User, idva: User, idva_client: FlaskClient
) -> None:
    referral = _allocated(database, coordinator, idva)
    stale = _contact(idva_client, referral, _an_hour_ago(), version=str(referral.version - 1))
    assert stale.status_code == 409
    assert "Someone else changed this referral" in stale.get_data(as_text=True)
    assert fetch(database, referral.id).first_contact_at is None


def test_contact_is_recorded_only_once_allocated(database: Database, coordinator: User) -> None:
    referral = make_referral(database)
    attempt = contact.Attempt(_an_hour_ago(), "call", made=True)
    with database.uow() as uow, pytest.raises(GuardFailed, match="once the referral is allocated"):
        contact.record_contact_attempt(uow, actor_for(coordinator), referral.id or 0, None, attempt)


def test_the_form_reads_the_time_as_london_time(app: Flask) -> None:
    with app.test_request_context():
        form = ContactForm(meta={"csrf": False})
        form.day.data, form.time.data = date(2026, 7, 1), "9.30"
        assert form.when() == datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
