"""Taking a self-referral or quarantined message off "Needs a person", saying what was done."""

from flask.testing import FlaskClient
from sqlmodel import col, select

from tests.queue.builders import add_message
from tests.web.pages import csrf_token
from workflow.models import AuditEvent, InboundMessage
from workflow.models.mail import Disposition
from workflow.store.db import Database


def _mark(desk: FlaskClient, message_id: int, note: str) -> str:
    page = f"/needs-a-person/messages/{message_id}/dealt-with"
    token = csrf_token(desk, "/needs-a-person")  # one token per session
    response = desk.post(page, data={"note": note, "csrf_token": token}, follow_redirects=True)
    return response.get_data(as_text=True)


def test_a_self_referral_leaves_the_list_with_who_and_what_was_done(
    desk: FlaskClient, database: Database
) -> None:
    message = add_message(database, None, Disposition.REJECT_SELF_REFERRAL)
    needs = desk.get("/needs-a-person").get_data(as_text=True)
    assert f'href="/needs-a-person/messages/{message.id}/dealt-with"' in needs
    assert "1 message from people writing in" in desk.get("/queue").get_data(as_text=True)

    html = _mark(desk, message.id or 0, "Not safe to reply: rang the police officer named.")
    assert f"Message {message.id} marked as dealt with." in html
    assert f"/needs-a-person/messages/{message.id}/dealt-with" not in html  # off the list
    assert "people writing in" not in desk.get("/queue").get_data(as_text=True)

    page = desk.get(f"/intake/messages/{message.id}").get_data(as_text=True)
    assert "Dealt with" in page and "Not safe to reply: rang the police officer named." in page
    with database.uow() as uow:
        kept = uow.session.get(InboundMessage, message.id)
        assert (
            kept is not None and kept.raw and kept.disposition == Disposition.REJECT_SELF_REFERRAL
        )
        events = uow.session.exec(
            select(AuditEvent).where(
                col(AuditEvent.action) == "dealt_with", col(AuditEvent.object_id) == message.id
            )
        ).all()
        assert len(events) == 1 and events[0].actor_label == "coordinator@example.org"


def test_a_quarantined_message_leaves_the_list_and_the_count(
    desk: FlaskClient, database: Database
) -> None:
    message = add_message(database, None, Disposition.QUARANTINE, "Encrypted PDF")
    assert "1 quarantined" in desk.get("/queue").get_data(as_text=True)
    _mark(desk, message.id or 0, "Asked the referrer to send it without a password.")
    assert "1 quarantined" not in desk.get("/queue").get_data(as_text=True)


def test_what_was_done_is_required_and_nothing_changes_without_it(
    desk: FlaskClient, database: Database
) -> None:
    message = add_message(database, None, Disposition.REJECT_SELF_REFERRAL)
    html = _mark(desk, message.id or 0, "   ")
    assert "Error: " in html and "Enter what you did" in html
    with database.uow() as uow:
        kept = uow.session.get(InboundMessage, message.id)
        assert kept is not None and kept.dealt_with_at is None


def test_only_waiting_messages_can_be_marked_and_only_once(
    desk: FlaskClient, database: Database
) -> None:
    referral_message = add_message(database, None, Disposition.REFERRAL)
    assert desk.get(f"/needs-a-person/messages/{referral_message.id}/dealt-with").status_code == 302
    assert desk.get("/needs-a-person/messages/999999/dealt-with").status_code == 404
    waiting = add_message(database, None, Disposition.QUARANTINE, "Corrupt")
    _mark(desk, waiting.id or 0, "Junk mail.")
    again = _mark(desk, waiting.id or 0, "Junk mail, again.")
    assert "already dealt with this message" in again
    with database.uow() as uow:
        kept = uow.session.get(InboundMessage, waiting.id)
        assert kept is not None and kept.dealt_with_note == "Junk mail."


def test_an_idva_cannot_mark_messages(idva_client: FlaskClient, database: Database) -> None:
    message = add_message(database, None, Disposition.REJECT_SELF_REFERRAL)
    response = idva_client.get(f"/needs-a-person/messages/{message.id}/dealt-with")
    assert response.status_code == 403
