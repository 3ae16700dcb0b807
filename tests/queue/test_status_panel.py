"""The queue's mail panel and the links into upload and re-processing."""

import re

from flask.testing import FlaskClient

from tests.factories import make_referral
from tests.queue.builders import add_message, age
from workflow.models import Outbox, utcnow
from workflow.models.mail import Disposition, OutboxStatus
from workflow.store import lease, outbox
from workflow.store.db import Database


def test_failed_mail_is_shown_with_its_reason(desk: FlaskClient, database: Database) -> None:
    referral = make_referral(database)
    with database.uow() as uow:
        mail = outbox.enqueue(
            uow.session,
            kind="allocation",
            to=["idva@example.org"],
            subject=f"Referral {referral.reference} has been allocated to you",
            body_text="x",
            referral_id=referral.id,
        )
        assert isinstance(mail, Outbox)
        mail.status = OutboxStatus.FAILED
        mail.last_error = "550 mailbox unavailable"
        uow.commit()
    html = desk.get("/queue").get_data(as_text=True)
    assert "Mail that could not be delivered" in html
    assert "550 mailbox unavailable" in html
    assert "0 messages kept unsent" in html


def test_waiting_quarantined_and_self_referrals_are_counted(
    desk: FlaskClient, database: Database
) -> None:
    add_message(database, None, Disposition.QUARANTINE, "Encrypted PDF")
    add_message(database, None, Disposition.REJECT_SELF_REFERRAL)
    html = desk.get("/queue").get_data(as_text=True)
    assert "1 quarantined" in html
    assert "1 message from people writing in about themselves" in html


def test_upload_and_re_process_are_linked(desk: FlaskClient, database: Database) -> None:
    message = add_message(database, None, Disposition.QUARANTINE, "Encrypted PDF")
    assert 'href="/intake/upload"' in desk.get("/queue").get_data(as_text=True)
    html = desk.get("/needs-a-person").get_data(as_text=True)
    assert f'action="/intake/messages/{message.id}/reprocess"' in html
    assert f'href="/intake/messages/{message.id}"' in html


def test_the_panel_says_when_reminders_last_ran(desk: FlaskClient, database: Database) -> None:
    assert "Reminders have never run" in desk.get("/queue").get_data(as_text=True)
    with database.uow() as uow:
        lease.job_started(uow.session, "send-reminders", "scheduler-1", utcnow())
        lease.job_finished(uow.session, "send-reminders", utcnow(), {"queued": 2}, "")
        uow.commit()
    assert "Reminders last ran" in desk.get("/queue").get_data(as_text=True)


def test_overdue_referrals_say_how_late_they_are(desk: FlaskClient, database: Database) -> None:
    late = make_referral(database)
    age(database, late, 10)
    html = desk.get("/queue").get_data(as_text=True)
    assert "Consent check by" in html
    assert re.search(r"Overdue \d+ working days", html), html[html.find("Overdue") :][:80]
