"""Helpers for the queue tests: messages as ingestion stores them, and reading the queue page."""

import hashlib
import re
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlmodel import col, select

from tests.web.pages import csrf_token
from workflow.models import Attachment, AuditEvent, InboundMessage, Referral, utcnow
from workflow.models.mail import Disposition
from workflow.store.db import Database

RAW_EMAIL = (
    b"From: holly.martin@cambs.pnn.police.uk\r\nTo: referrals@example.org\r\n"
    b"Subject: MARAC referral\r\nMessage-ID: <m1@example.org>\r\n\r\nPlease see attached.\r\n"
)


def add_message(
    database: Database,
    referral_id: int | None = None,
    disposition: Disposition = Disposition.REFERRAL,
    reason: str = "",
    attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
    extraction: dict[str, Any] | None = None,
    raw: bytes = RAW_EMAIL,
) -> InboundMessage:
    """Store a message and its attachments as ingestion would."""
    with database.uow() as uow:
        message = InboundMessage(
            message_id="<m1@example.org>",
            content_hash=hashlib.sha256(raw).hexdigest(),
            raw=raw,
            from_address="holly.martin@cambs.pnn.police.uk",
            subject="MARAC referral",
            disposition=disposition,
            reason=reason,
            referral_id=referral_id,
            extraction=extraction,
        )
        uow.session.add(message)
        uow.session.flush()
        for filename, content_type, content in attachments:
            uow.session.add(
                Attachment(
                    message_id=message.id or 0,
                    filename=filename,
                    declared_type=content_type,
                    detected_type=content_type,
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    content=content,
                )
            )
        uow.commit()
        return message


def age(database: Database, referral: Referral, days: int) -> None:
    """Make a referral look as if it arrived `days` ago."""
    with database.uow() as uow:
        stored = uow.session.get(Referral, referral.id)
        assert stored is not None
        shift = timedelta(days=days)
        stored.received_at = utcnow() - shift
        # Every clock the reminders keep moves back with it.
        for clock in ("due_at", "state_entered_at", "last_activity_at"):
            if getattr(stored, clock, None) is not None:
                setattr(stored, clock, getattr(stored, clock) - shift)
        uow.commit()


def references(html: str) -> list[str]:
    """Return the references listed in the queue table, in order."""
    return re.findall(r">(REF-\d{4}-\d{6}(?:-[A-Z0-9]{4})?)</a>", html)


def search(client: FlaskClient, text: str, query: str = "", page: int = 1) -> str:
    """Search the queue the way the page does: a POST, never a query string."""
    token = csrf_token(client, "/queue")
    response = client.post(
        f"/queue/search{query}", data={"q": text, "page": str(page), "csrf_token": token}
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def audit_actions(database: Database, object_type: str | None = None) -> list[AuditEvent]:
    """Return the audit trail, oldest first."""
    with database.uow() as uow:
        query = select(AuditEvent).order_by(col(AuditEvent.id))
        if object_type:
            query = query.where(col(AuditEvent.object_type) == object_type)
        return list(uow.session.exec(query))


def fetch(database: Database, referral_id: int | None) -> Referral:
    """Return the referral as stored now."""
    with database.uow() as uow:
        stored = uow.session.get(Referral, referral_id)
        assert stored is not None
        return stored
