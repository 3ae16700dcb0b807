"""A quarantined message read again successfully is resolved everywhere a coordinator looks,
while its copy in the mailbox stays in the Quarantine folder (mail is never deleted)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mailbox.poller import poll_once
from tests.factories import make_user
from tests.ingest.support import deliver, folder_ids, message, msgid, recorded, referrals, settings
from tests.support.dovecot import DovecotServer
from tests.web.pages import check_page, csrf_token, sign_in
from workflow.inbound import mailbox_health
from workflow.models.mail import Disposition
from workflow.models.staff import Role
from workflow.store.db import Database

pytestmark = pytest.mark.imap


def _html(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    check_page(html)
    return html


def _quarantined(database: Database) -> int:
    with database.uow() as uow:
        return mailbox_health.health(uow.session).quarantined


def test_a_message_read_again_is_resolved_and_no_longer_counted_as_quarantined(
    app: Flask, client: FlaskClient, database: Database, dovecot: DovecotServer
) -> None:
    deliver(dovecot, message(1))
    poll_once(database, settings(dovecot, MAX_ATTACHMENT_BYTES=1_000))  # too small: quarantined
    [kept] = recorded(database)
    assert kept.disposition is Disposition.QUARANTINE and "size limit" in kept.reason
    assert folder_ids(dovecot, "Quarantine") == [msgid(1)]
    assert _quarantined(database) == 1

    make_user(database, Role.COORDINATOR, name="Cara Coordinator")
    sign_in(client, "coordinator@example.org")
    waiting = _html(client, "/needs-a-person")
    assert f"/intake/messages/{kept.id}/reprocess" in waiting
    app.config["MAX_ATTACHMENT_BYTES"] = 25 * 1024 * 1024  # the cause is fixed
    token = csrf_token(client, "/needs-a-person")
    response = client.post(
        f"/intake/messages/{kept.id}/reprocess",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    check_page(page)
    assert "Read again. A new referral was created" in page
    assert "<strong>Resolved</strong>" in page and "stays in the quarantine folder" in page
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert re.search(r"Read again \d\d \w+ \d{4} \d\d:\d\d by [^:]+: it was quarantine \(", text)
    assert "Read this message again" not in page

    assert [r.disposition for r in recorded(database)] == [Disposition.REFERRAL]
    assert _quarantined(database) == 0
    waiting = _html(client, "/needs-a-person")
    assert f"/intake/messages/{kept.id}" not in waiting
    assert "0 quarantined" in _html(client, "/queue")

    # The mailbox copy stays where it is, and the next cycle neither reads nor counts it again.
    report = poll_once(database, settings(dovecot))
    assert (report.fetched, report.moved, report.error) == (0, 0, "")
    assert folder_ids(dovecot, "Quarantine") == [msgid(1)]
    assert folder_ids(dovecot, "INBOX") == [] and folder_ids(dovecot, "Processed") == []
    assert len(referrals(database)) == 1 and _quarantined(database) == 0
