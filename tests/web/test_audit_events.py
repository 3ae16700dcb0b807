"""What the audit trail records about attempts: failed sign-ins (by a keyed digest of what was
typed, never the email itself), refused downloads, and "viewed" only for the person's own
navigation — another site's link or image cannot plant a view under someone's name."""

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import col, select

from tests.factories import make_referral, make_user
from tests.queue.builders import add_message
from tests.web.pages import sign_in
from workflow.models import Attachment, AuditEvent, Referral
from workflow.models.staff import Role
from workflow.store.db import Database


def _events(database: Database, action: str) -> list[AuditEvent]:
    with database.uow() as uow:
        query = select(AuditEvent).where(col(AuditEvent.action) == action)
        return list(uow.session.exec(query.order_by(col(AuditEvent.id))))


def _as_text(event: AuditEvent) -> str:
    return json.dumps([event.actor_label, event.summary, event.before, event.after]).lower()


def test_a_failed_sign_in_for_an_unknown_email_is_audited_without_the_email(
    client: FlaskClient, database: Database
) -> None:
    sign_in(client, "Nobody.Here@example.org", "a wrong password")
    sign_in(client, "nobody.here@example.org ", "another wrong one")
    sign_in(client, "someone.else@example.org", "a wrong password")
    failed = _events(database, "login_failed")
    assert len(failed) == 3
    assert all("nobody" not in _as_text(e) and "someone" not in _as_text(e) for e in failed)
    assert all(e.object_type == "sign_in" and e.object_id is None for e in failed)
    same_typist = [e.summary.rsplit(" ", 1)[1] for e in failed]
    assert same_typist[0] == same_typist[1] != same_typist[2]  # one digest per typed email
    assert len(same_typist[0]) == 32


def test_a_failed_sign_in_for_a_real_account_names_the_account_not_the_typist(
    client: FlaskClient, database: Database
) -> None:
    user = make_user(database, Role.COORDINATOR)
    sign_in(client, "coordinator@example.org", "a wrong password")
    (failed,) = _events(database, "login_failed")
    assert (failed.object_type, failed.object_id) == ("user", user.id)
    assert failed.actor_id is None and failed.actor_label == "system:sign-in"
    assert "coordinator@" not in _as_text(failed)


def test_the_identifier_is_keyed_with_the_apps_secret(app: Flask, database: Database) -> None:
    sign_in(app.test_client(), "nobody@example.org", "wrong")
    app.config["SECRET_KEY"] = "another-secret-key-for-this-test"
    sign_in(app.test_client(), "nobody@example.org", "wrong")
    first, second = (e.summary.rsplit(" ", 1)[1] for e in _events(database, "login_failed"))
    assert first != second  # a plain hash of an address could be looked up; a keyed one cannot


def _attachment_id(database: Database) -> int:
    with database.uow() as uow:
        return uow.session.exec(select(Attachment.id)).first() or 0


def test_refused_downloads_are_audited(app: Flask, database: Database) -> None:
    referral = make_referral(database)
    message = add_message(database, referral.id, attachments=[("a.pdf", "application/pdf", b"%")])
    make_user(database, Role.IDVA)  # not allocated this referral
    idva = app.test_client()
    sign_in(idva, "idva@example.org")
    attachment = _attachment_id(database)
    assert idva.get(f"/attachments/{attachment}").status_code == 403
    assert idva.get(f"/messages/{message.id}/original").status_code == 403
    assert idva.get("/attachments/999999").status_code == 404
    assert idva.get("/messages/999999/original").status_code == 404
    refused = [
        (e.object_type, e.object_id, e.summary) for e in _events(database, "download_refused")
    ]
    assert refused == [
        ("attachment", attachment, "not allowed"),
        ("message", message.id, "not allowed"),
        ("attachment", 999999, "no such attachment"),
        ("message", 999999, "no such message"),
    ]
    assert _events(database, "download") == []


def _coordinator_and_case(app: Flask, database: Database) -> tuple[FlaskClient, Referral]:
    referral = make_referral(database)
    make_user(database, Role.COORDINATOR)
    desk = app.test_client()
    sign_in(desk, "coordinator@example.org")
    return desk, referral


@pytest.mark.parametrize("fetch_site", ["cross-site", "same-site"])
@pytest.mark.parametrize("page", ["", "/print", "/note", "/consent", "/close"])
def test_another_sites_link_does_not_plant_a_view(
    app: Flask, database: Database, fetch_site: str, page: str
) -> None:
    desk, referral = _coordinator_and_case(app, database)
    views_before = len(_events(database, "view"))
    url = f"/referrals/{referral.id}{page}"
    response = desk.get(url, headers={"Sec-Fetch-Site": fetch_site})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Open this page from the service" in html
    assert f'href="{url}"' in html
    assert "Jade Allen" not in html and referral.reference not in html
    assert len(_events(database, "view")) == views_before


@pytest.mark.parametrize("fetch_site", ["cross-site", "same-site"])
def test_another_sites_link_does_not_download_or_audit_a_download(
    app: Flask, database: Database, fetch_site: str
) -> None:
    desk, referral = _coordinator_and_case(app, database)
    message = add_message(database, referral.id, attachments=[("a.pdf", "application/pdf", b"%")])
    for url in (f"/attachments/{_attachment_id(database)}", f"/messages/{message.id}/original"):
        response = desk.get(url, headers={"Sec-Fetch-Site": fetch_site})
        assert "Content-Disposition" not in response.headers
        assert "Open this page from the service" in response.get_data(as_text=True)
    response = desk.get(f"/intake/messages/{message.id}", headers={"Sec-Fetch-Site": fetch_site})
    assert "Open this page from the service" in response.get_data(as_text=True)
    assert _events(database, "download") == []
    assert [e for e in _events(database, "view") if e.object_type == "inbound_message"] == []


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}, {}]
)
def test_the_persons_own_navigation_opens_and_audits_the_page(
    app: Flask, database: Database, headers: dict[str, str]
) -> None:
    desk, referral = _coordinator_and_case(app, database)
    views_before = len(_events(database, "view"))
    response = desk.get(f"/referrals/{referral.id}", headers=headers)
    assert referral.reference in response.get_data(as_text=True)
    assert len(_events(database, "view")) == views_before + 1


def test_a_signed_out_link_from_elsewhere_still_leads_to_sign_in(
    app: Flask, database: Database
) -> None:
    referral = make_referral(database)
    response = app.test_client().get(
        f"/referrals/{referral.id}", headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_sign_in_refused_for_too_many_tries_from_one_client_is_audited(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    for n in range(21):
        sign_in(client, f"nobody{n}@example.org", "wrong")
    failed = _events(database, "login_failed")
    assert len(failed) == 21 and "too many tries from this client" in failed[-1].summary
    assert all("nobody" not in _as_text(e) for e in failed)
