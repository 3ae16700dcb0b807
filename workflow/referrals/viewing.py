"""Reading referrals as staff: every look at a referral is audited, and IDVAs see only their own."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from workflow.actors import Actor
from workflow.errors import DomainError, NotFound, PermissionDenied
from workflow.models import (
    Assessment,
    Attachment,
    AuditEvent,
    InboundMessage,
    Note,
    Referral,
    StateChange,
    User,
)
from workflow.models.mail import Disposition
from workflow.models.referral import Instrument
from workflow.models.staff import Role
from workflow.permissions import CASE_READERS, CASEWORKERS, may_read
from workflow.referrals.matching import earlier_referrals
from workflow.referrals.states import OPEN_STATES, State
from workflow.store import audit
from workflow.store.db import UnitOfWork


@dataclass
class AttachmentInfo:
    """An attachment as listed on the referral page (its bytes stay in the database)."""

    id: int
    filename: str
    content_type: str
    size: int


@dataclass
class MessageInfo:
    """A message that made or updated the referral, without its raw bytes."""

    id: int
    subject: str
    from_address: str
    received_at: datetime
    disposition: str
    reason: str
    attachments: list[AttachmentInfo] = field(default_factory=list)


@dataclass
class CaseFile:
    """A referral with everything a coordinator reads on its page."""

    referral: Referral
    assessments: list[Assessment]
    history: list[StateChange]
    audit_trail: list[AuditEvent]
    notes: list[Note] = field(default_factory=list)
    messages: list[MessageInfo] = field(default_factory=list)
    # Field path -> "document, cell or line", for checking a value against the original.
    sources: dict[str, str] = field(default_factory=dict)
    # Assessment id -> the same, for that version's answers (each version shows its own).
    checklist_sources: dict[int, dict[str, str]] = field(default_factory=dict)
    possible_duplicates: list[Referral] = field(default_factory=list)
    duplicate_of: Referral | None = None
    idva_label: str = ""


def look_up(uow: UnitOfWork, actor: Actor, referral_id: int, page: str = "") -> Referral:
    """Return the referral if the actor may read it, recording the view (or the refusal)."""
    session = uow.session
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFound("No such referral.")
    if not may_read(actor, referral):
        audit.record(session, actor, "view_refused", "referral", referral_id)
        uow.commit()
        raise PermissionDenied("This referral is not allocated to you.")
    summary = f"{referral.reference} {page}".strip()
    audit.record(session, actor, "view", "referral", referral_id, summary)
    uow.commit()
    return referral


def open_case(uow: UnitOfWork, actor: Actor, referral_id: int, page: str = "") -> CaseFile:
    """Return the referral's case file and record that the actor viewed it (on which page)."""
    session = uow.session
    referral = look_up(uow, actor, referral_id, page)
    assessments = list(
        session.exec(
            select(Assessment)
            .where(col(Assessment.referral_id) == referral_id)
            .order_by(col(Assessment.id))
        )
    )
    messages = _messages(uow, referral_id)
    idva = session.get(User, referral.allocated_idva_id) if referral.allocated_idva_id else None
    return CaseFile(
        referral,
        assessments,
        list(
            session.exec(
                select(StateChange)
                .where(col(StateChange.referral_id) == referral_id)
                .order_by(col(StateChange.at), col(StateChange.id))
            )
        ),
        list(
            session.exec(
                select(AuditEvent)
                .where(col(AuditEvent.object_type) == "referral")
                .where(col(AuditEvent.object_id) == referral_id)
                .order_by(col(AuditEvent.at), col(AuditEvent.id))
            )
        ),
        notes=notes_for(uow, referral_id),
        messages=messages,
        sources=_sources(session, messages, assessments),
        checklist_sources={a.id or 0: checklist_sources(a) for a in assessments},
        possible_duplicates=earlier_referrals(session, referral)[:20],
        duplicate_of=session.get(Referral, referral.duplicate_of_id)
        if referral.duplicate_of_id
        else None,
        idva_label=(idva.name or idva.email) if idva else "",
    )


def notes_for(uow: UnitOfWork, referral_id: int) -> list[Note]:
    """Return a referral's notes, oldest first."""
    query = (
        select(Note)
        .where(col(Note.referral_id) == referral_id)
        .order_by(col(Note.created_at), col(Note.id))
    )
    return list(uow.session.exec(query))


def _messages(uow: UnitOfWork, referral_id: int) -> list[MessageInfo]:
    m = InboundMessage
    query = (
        sa.select(
            col(m.id),
            col(m.subject),
            col(m.from_address),
            col(m.received_at),
            col(m.disposition),
            col(m.reason),
        )
        .where(col(InboundMessage.referral_id) == referral_id)
        .order_by(col(InboundMessage.received_at), col(InboundMessage.id))
    )
    found = [
        MessageInfo(mid or 0, subject, sender, at, Disposition(disp).value, reason)
        for mid, subject, sender, at, disp, reason in uow.session.execute(query)
    ]
    for message in found:
        message.attachments = attachments_of(uow, message.id)
    return found


def attachments_of(uow: UnitOfWork, message_id: int) -> list[AttachmentInfo]:
    """List a message's attachments without loading their bytes."""
    a = Attachment
    query = (
        sa.select(
            col(a.id), col(a.filename), col(a.detected_type), col(a.declared_type), col(a.size)
        )
        .where(col(Attachment.message_id) == message_id)
        .order_by(col(Attachment.id))
    )
    return [
        AttachmentInfo(aid or 0, name, safe_content_type(detected or declared), size)
        for aid, name, detected, declared, size in uow.session.execute(query)
    ]


def _where(value: Any) -> str:
    if isinstance(value, dict):
        parts = [value.get(k) for k in ("document", "file", "where", "cell", "line")]
        return ", ".join(str(p) for p in parts if p)
    return str(value) if value else ""


CHECKLIST_PREFIXES = ("dash.", "stalking_screen.")


def _kind(assessment: Assessment) -> str:
    return "stalking_screen" if assessment.instrument is Instrument.S_DASH_11 else "dash"


def checklist_sources(assessment: Assessment) -> dict[str, str]:
    """Where each answer of this version of a checklist was read: path -> "file, cell or line"."""
    kind = _kind(assessment)
    found = {
        f"{kind}.answers.{question}": _where(where)
        for question, where in (assessment.provenance or {}).items()
    }
    return {path: where for path, where in found.items() if where}


def _sources(
    session: Session, messages: list[MessageInfo], assessments: list[Assessment]
) -> dict[str, str]:
    """Where the referral's values were read: its details from the message that made it (a
    later update adds checklists, not details), each answer from the newest checklist."""
    found: dict[str, str] = {}
    for message in messages:
        if message.disposition != Disposition.REFERRAL.value:
            continue
        extraction = session.exec(
            select(InboundMessage.extraction).where(col(InboundMessage.id) == message.id)
        ).first()
        for path, where in ((extraction or {}).get("sources") or {}).items():
            if not str(path).startswith(CHECKLIST_PREFIXES):
                found[str(path)] = _where(where)
    newest = {_kind(a): a for a in sorted(assessments, key=lambda a: (a.version, a.id or 0))}
    for assessment in newest.values():
        found.update(checklist_sources(assessment))
    return {path: where for path, where in found.items() if where}


_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")


def safe_content_type(value: str) -> str:
    """Return a media type fit for a header, or application/octet-stream."""
    media = value.split(";")[0].strip().lower()
    return media if _MEDIA_TYPE.match(media) else "application/octet-stream"


@dataclass(frozen=True)
class Download:
    """A file to hand to the browser as an attachment, never to render."""

    filename: str
    content_type: str
    content: bytes


def _message_readable(uow: UnitOfWork, actor: Actor, referral_id: int | None) -> bool:
    if referral_id is None:  # quarantined or a self-referral: the coordinators' to handle
        return actor.role in CASEWORKERS
    referral = uow.session.get(Referral, referral_id)
    return referral is not None and may_read(actor, referral)


def _refuse_download(
    uow: UnitOfWork, actor: Actor, kind: str, object_id: int, error: DomainError
) -> NoReturn:
    """Audit a refused download (someone probing ids, or reaching past their cases), then refuse."""
    reason = "no such " + kind if isinstance(error, NotFound) else "not allowed"
    audit.record(uow.session, actor, "download_refused", kind, object_id, reason)
    uow.commit()
    raise error


def download_message(uow: UnitOfWork, actor: Actor, message_id: int) -> Download:
    """Return the original email as received, and record who downloaded it."""
    message = uow.session.get(InboundMessage, message_id)
    if message is None:
        _refuse_download(uow, actor, "message", message_id, NotFound("No such message."))
    if not _message_readable(uow, actor, message.referral_id):
        denied = PermissionDenied("You cannot download this message.")
        _refuse_download(uow, actor, "message", message_id, denied)
    audit.record(uow.session, actor, "download", "message", message_id, "original email")
    if message.referral_id:
        summary = f"downloaded message {message_id}"
        audit.record(uow.session, actor, "download", "referral", message.referral_id, summary)
    uow.commit()
    return Download(f"message-{message_id}.eml", "message/rfc822", message.raw)


def download_attachment(uow: UnitOfWork, actor: Actor, attachment_id: int) -> Download:
    """Return one attachment as received, and record who downloaded it."""
    attachment = uow.session.get(Attachment, attachment_id)
    if attachment is None:
        _refuse_download(uow, actor, "attachment", attachment_id, NotFound("No such attachment."))
    message = uow.session.get(InboundMessage, attachment.message_id)
    referral_id = message.referral_id if message else None
    if not _message_readable(uow, actor, referral_id):
        denied = PermissionDenied("You cannot download this attachment.")
        _refuse_download(uow, actor, "attachment", attachment_id, denied)
    summary = f"downloaded attachment {attachment.filename}"
    audit.record(uow.session, actor, "download", "attachment", attachment_id, summary)
    if referral_id:
        audit.record(uow.session, actor, "download", "referral", referral_id, summary)
    uow.commit()
    content_type = safe_content_type(attachment.detected_type or attachment.declared_type)
    return Download(
        attachment.filename or f"attachment-{attachment_id}", content_type, attachment.content
    )


def open_referrals(uow: UnitOfWork, actor: Actor, limit: int = 50) -> list[Referral]:
    """Return open referrals the actor may see, newest first (the full queue is its own module)."""
    query = select(Referral).where(col(Referral.state).in_(OPEN_STATES))
    if actor.role is Role.IDVA:
        query = query.where(col(Referral.allocated_idva_id) == actor.id)
    elif actor.role not in CASE_READERS:
        raise PermissionDenied("Your role does not allow reading referrals.")
    query = query.order_by(col(Referral.received_at).desc()).limit(limit)
    return list(uow.session.exec(query))


def counts_by_state(uow: UnitOfWork) -> dict[State, int]:
    """Return how many referrals are in each state."""
    rows = uow.session.exec(select(Referral.state, func.count()).group_by(Referral.state))
    return {State(state): count for state, count in rows}
