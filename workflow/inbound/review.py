"""One inbound message as a coordinator sees it, and having it read again after a fix.

Looking at a message is audited; its raw bytes are never shown here. A quarantined or pending
message may be put back to pending (`requeue`) so the reader settles it again.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from workflow.actors import Actor
from workflow.errors import DomainError, NotFound
from workflow.inbound import sender_authentication, senders
from workflow.inbound.arrival import reference_of
from workflow.inbound.filenames import clean_filename
from workflow.models import Attachment, AuditEvent, InboundMessage
from workflow.models.base import persisted_id
from workflow.models.mail import Disposition
from workflow.policy import CAMBS, Policy
from workflow.store import audit
from workflow.store.db import UnitOfWork

REPROCESSABLE = frozenset({Disposition.QUARANTINE, Disposition.PENDING})


def _reprocessable(message: InboundMessage | None) -> InboundMessage:
    if message is None:
        raise NotFound("No such message.")
    if message.disposition not in REPROCESSABLE:
        raise DomainError(f"This message is already settled as {message.disposition.value}.")
    return message


def reprocessable_raw(session: Session, message_id: int) -> bytes:
    """Return the raw bytes of a message a coordinator may have read again."""
    return _reprocessable(session.get(InboundMessage, message_id)).raw


def requeue(session: Session, actor: Actor, message_id: int) -> InboundMessage:
    """Put a quarantined message back to pending so it is read again (after a fix)."""
    # Locked: of two coordinators reading it again at once, the second finds it settled.
    message = _reprocessable(session.get(InboundMessage, message_id, with_for_update=True))
    audit.record(
        session,
        actor,
        "reprocess",
        "inbound_message",
        message.id,
        f"Message {message.id} read again (was {message.disposition.value})",
        before={"disposition": message.disposition.value, "reason": message.reason},
    )
    message.disposition, message.reason = Disposition.PENDING, ""
    return message


@dataclass(frozen=True)
class ReadAgain:
    """A coordinator had the message read again: when, who, and what it was before."""

    at: datetime
    by: str
    was: str
    why: str


@dataclass(frozen=True)
class MessageView:
    """One inbound message as a coordinator sees it, without its raw bytes."""

    id: int
    message_id: str
    channel: str
    from_address: str
    subject: str
    received_at: datetime
    processed_at: datetime | None
    disposition: Disposition
    reason: str
    reference: str | None
    referral_id: int | None
    attachments: list[tuple[str, int]]
    unreadable_parts: list[str]
    needs_review: list[str]
    read_again: list[ReadAgain] = field(default_factory=list)
    virus_scan: str = ""
    # A professional address or a sender already on a referral: else its original is hostile
    # until shown otherwise, and the page warns before offering it for download.
    sender_known: bool = False
    preview: str = ""
    sender_check: str = ""  # the receiving server's verdict, in words

    @property
    def reprocessable(self) -> bool:
        """Say whether a coordinator may have it read again."""
        return self.disposition in REPROCESSABLE

    @property
    def resolved(self) -> bool:
        """Say whether it was quarantined once and has since been settled otherwise."""
        return self.disposition not in REPROCESSABLE and any(
            r.was == Disposition.QUARANTINE.value for r in self.read_again
        )


def _read_again(session: Session, message_id: int) -> list[ReadAgain]:
    query = (
        select(AuditEvent)
        .where(
            col(AuditEvent.object_type) == "inbound_message",
            col(AuditEvent.object_id) == message_id,
            col(AuditEvent.action) == "reprocess",
        )
        .order_by(col(AuditEvent.at), col(AuditEvent.id))
    )
    return [
        ReadAgain(
            e.at,
            e.actor_label,
            str((e.before or {}).get("disposition") or ""),
            str((e.before or {}).get("reason") or ""),
        )
        for e in session.exec(query)
    ]


def view_message(
    uow: UnitOfWork, actor: Actor, message_id: int, policy: Policy | None = None
) -> MessageView:
    """Return the message for its page and record that the actor looked at it."""
    session = uow.session
    message = session.get(InboundMessage, message_id)
    if message is None:
        raise NotFound("No such message.")
    files = session.exec(
        select(Attachment.filename, Attachment.size).where(col(Attachment.message_id) == message.id)
    )
    extraction = message.extraction or {}
    view = MessageView(
        id=persisted_id(message),
        message_id=message.message_id,
        channel=message.channel,
        from_address=message.from_address,
        subject=message.subject,
        received_at=message.received_at,
        processed_at=message.processed_at,
        disposition=message.disposition,
        reason=message.reason,
        reference=reference_of(session, message),
        referral_id=message.referral_id,
        attachments=[(clean_filename(name), size) for name, size in files],
        unreadable_parts=list(extraction.get("unreadable_parts") or []),
        needs_review=list(extraction.get("needs_review") or []),
        read_again=_read_again(session, persisted_id(message)),
        preview=str(extraction.get("text_preview") or "").replace("\x00", ""),
        virus_scan=message.virus_scan or "not scanned (it arrived before scanning was set up)",
        sender_known=senders.known_on_page(session, message, policy or CAMBS),
        sender_check=sender_authentication.words(message.sender_check),
    )
    audit.record(
        session, actor, "view", "inbound_message", message.id, f"Viewed message {message.id}"
    )
    uow.commit()
    return view
