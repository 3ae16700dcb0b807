"""Every message that arrives, kept whole and recorded once, and what it becomes.

A message is first recorded (raw bytes and attachments, disposition `pending`) and committed;
only then is it settled: a referral, an update to a referral in its thread, a duplicate, an
automatic reply or bounce ignored, a victim writing in (kept for a person, never answered
automatically), or quarantine with the reason. Settling happens in one transaction with the
referral it creates, so a crash leaves the message pending and the next attempt settles it once.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from workflow import (
    audit,
    proposals,
    referrer_confirmation,
    referrer_domains,
    sender_authentication,
)
from workflow.acknowledgement import queue_acknowledgement
from workflow.actors import Actor
from workflow.db import UnitOfWork
from workflow.errors import DomainError, NotFound
from workflow.filenames import clean_filename
from workflow.intake import receive_referral
from workflow.models import Attachment, AuditEvent, InboundMessage, Outbox, Referral, utcnow
from workflow.models.base import persisted_id
from workflow.models.mail import Disposition
from workflow.models.proposals import ProposalStatus, ProposedAssessment
from workflow.models.referral import Instrument, Source
from workflow.policy import CAMBS, Policy
from workflow.record import to_new_referral
from workflow.reference import reference_in

# Channels whose senders expect an acknowledgement: the mailbox and saved mailbox messages. A
# coordinator's upload is acknowledged by the coordinator, who knows the context.
ACKNOWLEDGED_CHANNELS = frozenset({"imap", "cli"})
IGNORED = {
    "ignore_autoreply": Disposition.IGNORE_AUTOREPLY,
    "ignore_bounce": Disposition.IGNORE_BOUNCE,
}
SELF_REFERRAL_REASON = (
    "A victim seems to be writing in themselves: a person must answer with the helplines. "
    "No automatic reply is sent."
)


@dataclass(frozen=True)
class StoredFile:
    """An attachment as kept beside its message."""

    filename: str
    declared_type: str
    detected_type: str
    size: int
    sha256: str
    content: bytes


@dataclass(frozen=True)
class Arrival:
    """A message as it arrived, before anything is read from it."""

    raw: bytes
    channel: str  # imap, cli, upload
    message_id: str = ""
    from_address: str = ""
    subject: str = ""
    folder: str = ""
    uidvalidity: int | None = None
    uid: int | None = None
    files: tuple[StoredFile, ...] = ()
    problem: str = ""  # set when it cannot be read at all: stored straight into quarantine
    size: int | None = None  # as the server said, when the raw bytes were not fetched
    virus_scan: str = ""  # the virus scanner's verdict (mailbox/clamav.py)
    sender_check: dict[str, Any] | None = None  # workflow/sender_authentication.py


# Control characters (NUL among them, which PostgreSQL refuses in text) never reach a column;
# the raw bytes keep the original. Tabs and line breaks become spaces.
_CONTROLS = {c: None for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]} | {
    0x09: " ",
    0x0A: " ",
    0x0D: " ",
}
# A btree index entry has a size limit in bytes, not characters: 998 bytes keeps well under it.
MAX_HEADER_BYTES = 998


def clean_header(value: str, max_bytes: int = MAX_HEADER_BYTES) -> str:
    """Return a header value fit to store: no control characters, at most max_bytes of UTF-8."""
    text = value.translate(_CONTROLS).strip()
    text = text.encode("utf-8", "replace")[:max_bytes].decode("utf-8", "ignore")
    return text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates made harmless


@dataclass(frozen=True)
class Reading:
    """What the reader made of a message: the extraction record and its threading headers."""

    record: dict[str, Any]
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    reason: str = ""  # why it is quarantined, when it is
    # Field path -> {"document", "where"}: the file and cell or line each value was read from.
    sources: dict[str, dict[str, str]] = field(default_factory=dict)
    preview: str = ""  # the message's own text, read in the sandbox, shown instead of the original


@dataclass(frozen=True)
class Settled:
    """What a message became."""

    message_id: int
    disposition: Disposition
    reference: str | None = None
    reason: str = ""


def content_hash(raw: bytes) -> str:
    """Return the SHA-256 of the message exactly as received."""
    return hashlib.sha256(raw).hexdigest()


def find_arrival(session: Session, arrival: Arrival) -> InboundMessage | None:
    """Return the row already holding this mailbox message, if it was recorded before."""
    if arrival.channel != "imap" or arrival.uid is None:
        return None  # a file given by hand is a new arrival each time
    # A UID's bytes never change, so the same slot means the same content hash (indexed).
    same_bytes = session.exec(
        select(InboundMessage)
        .where(
            col(InboundMessage.content_hash) == content_hash(arrival.raw),
            col(InboundMessage.channel) == "imap",
            col(InboundMessage.folder) == arrival.folder,
        )
        .order_by(col(InboundMessage.id))
    ).all()
    for row in same_bytes:
        if (row.uidvalidity, row.uid) == (arrival.uidvalidity, arrival.uid):
            return row
    # The folder was renumbered (UIDVALIDITY changed): the same bytes under the same Message-ID
    # are the message recorded under the old numbering. Claim that row for the new UID.
    for row in same_bytes:
        same_id = row.message_id == clean_header(arrival.message_id)
        if row.uidvalidity != arrival.uidvalidity and same_id:
            row.uidvalidity, row.uid = arrival.uidvalidity, arrival.uid
            return row
    return None


def known_uids(session: Session, folder: str, uidvalidity: int, uids: list[int]) -> dict[int, int]:
    """Return UID -> message row id for the folder's messages already recorded."""
    found: dict[int, int] = {}
    for start in range(0, len(uids), 500):
        query = select(InboundMessage.uid, InboundMessage.id).where(
            col(InboundMessage.channel) == "imap",
            col(InboundMessage.folder) == folder,
            col(InboundMessage.uidvalidity) == uidvalidity,
            col(InboundMessage.uid).in_(uids[start : start + 500]),
        )
        found.update(
            {int(uid): int(row_id) for uid, row_id in session.exec(query) if uid and row_id}
        )
    return found


def left_pending(session: Session, before: datetime) -> list[int]:
    """Return messages stored before `before` and still not settled (a crash, a passing fault)."""
    query = select(InboundMessage.id).where(
        col(InboundMessage.disposition) == Disposition.PENDING,
        col(InboundMessage.received_at) < before,
    )
    return [int(i) for i in session.exec(query.order_by(col(InboundMessage.id))) if i]


def record_arrival(session: Session, arrival: Arrival, actor: Actor) -> tuple[InboundMessage, bool]:
    """Record a message and its attachments (unless already recorded); say whether it is new.
    A message that cannot be read at all (arrival.problem) is recorded straight in quarantine."""
    existing = find_arrival(session, arrival)
    if existing is not None:
        return existing, False
    message = InboundMessage(
        message_id=clean_header(arrival.message_id),
        content_hash=content_hash(arrival.raw),
        raw=arrival.raw,
        channel=arrival.channel,
        folder=arrival.folder[:200],
        uidvalidity=arrival.uidvalidity,
        uid=arrival.uid,
        from_address=clean_header(arrival.from_address, 254)[:254],
        subject=clean_header(arrival.subject)[:998],
        size=len(arrival.raw) if arrival.size is None else arrival.size,
        virus_scan=arrival.virus_scan[:300],
        sender_check=arrival.sender_check,
    )
    if arrival.problem:
        message.disposition, message.reason = Disposition.QUARANTINE, arrival.problem[:2000]
        message.processed_at = utcnow()
    session.add(message)
    session.flush()
    for f in arrival.files:
        session.add(
            Attachment(
                message_id=persisted_id(message),
                filename=clean_header(f.filename, 255)[:255],
                declared_type=clean_header(f.declared_type, 255)[:255],
                detected_type=clean_header(f.detected_type, 255)[:255],
                size=f.size,
                sha256=f.sha256,
                content=f.content,
            )
        )
    if arrival.problem:
        audit.record(
            session, actor, "quarantine", "inbound_message", message.id, arrival.problem[:2000]
        )
    return message, True


# A message that failed to settle this many times in a row is set aside in quarantine, never
# retried for ever (a passing fault clears long before; a message that always fails never does).
SET_ASIDE_AFTER = 5


def start_attempt(uow: UnitOfWork, actor: Actor, message_id: int) -> bytes | None:
    """Count one more attempt to settle a pending message and commit; return its raw bytes, or
    None when it is settled already or has now been set aside after too many attempts."""
    message = uow.session.get(InboundMessage, message_id, with_for_update=True)
    if message is None:
        raise NotFound("No such message.")
    if message.disposition is not Disposition.PENDING:
        return None
    if message.attempts >= SET_ASIDE_AFTER:
        why = (
            f"Set aside: it could not be settled in {message.attempts} attempts in a row "
            f"({message.reason or 'no reason given'}). It is kept whole for a person to read."
        )
        message.disposition, message.reason = Disposition.QUARANTINE, why[:2000]
        message.processed_at = utcnow()
        audit.record(uow.session, actor, "quarantine", "inbound_message", message.id, why)
        uow.commit()
        return None
    message.attempts += 1
    uow.commit()
    return message.raw


def note_failed_attempt(uow: UnitOfWork, message_id: int, reason: str) -> None:
    """Keep why the last attempt left the message pending (shown when it is set aside)."""
    message = uow.session.get(InboundMessage, message_id)
    if message is not None and message.disposition is Disposition.PENDING:
        message.reason = reason[:2000]
        uow.commit()


class _Joined(UnitOfWork):
    """A unit of work over the caller's session whose commit only flushes: a use case that
    commits joins the caller's transaction instead, so the message and its referral commit
    together or not at all."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def commit(self) -> None:
        self.session.flush()


def settle(
    uow: UnitOfWork, actor: Actor, message: InboundMessage, reading: Reading, policy: Policy
) -> Settled:
    """Decide what a pending message is, make it so, and commit it all in one transaction."""
    session = uow.session
    if message.disposition is not Disposition.PENDING:  # settled already: settle once
        return Settled(persisted_id(message), message.disposition, _reference(session, message))
    disposition, referral, reason = _decide(session, actor, message, reading, policy)
    message.disposition = disposition
    message.reason = reason[:2000]
    message.referral_id = referral.id if referral is not None else message.referral_id
    message.extraction = {
        **reading.record,
        **({"sources": reading.sources} if reading.sources else {}),
        **({"text_preview": reading.preview} if reading.preview else {}),
    }
    message.processed_at = utcnow()
    audit.record(
        session,
        actor,
        "settle",
        "inbound_message",
        message.id,
        f"Message {message.id} settled as {disposition.value}",
        after={"disposition": disposition.value, "referral_id": message.referral_id},
    )
    uow.commit()
    return Settled(persisted_id(message), disposition, _reference(session, message), reason)


def quarantine(uow: UnitOfWork, actor: Actor, message_id: int, reason: str) -> Settled:
    """Quarantine a pending message that could not be settled, with the reason, and commit."""
    message = uow.session.get(InboundMessage, message_id)
    if message is None:
        raise NotFound("No such message.")
    if message.disposition is Disposition.PENDING:
        message.disposition, message.reason = Disposition.QUARANTINE, reason[:2000]
        message.processed_at = utcnow()
        audit.record(uow.session, actor, "quarantine", "inbound_message", message.id, reason)
        uow.commit()
    return Settled(persisted_id(message), message.disposition, None, message.reason)


def _decide(
    session: Session, actor: Actor, message: InboundMessage, reading: Reading, policy: Policy
) -> tuple[Disposition, Referral | None, str]:
    kind = str(reading.record.get("disposition") or "quarantine")
    if kind in IGNORED:
        return IGNORED[kind], None, "Automatic reply, bounce or our own mail: never answered."
    earlier, why = duplicate_of(session, message)
    if earlier is not None:
        original = session.get(Referral, earlier.referral_id) if earlier.referral_id else None
        return Disposition.DUPLICATE, original, f"Same {why} as message {earlier.id}."
    thread = thread_referral(session, message, reading)
    if thread is not None:
        return _in_thread(session, actor, message, reading, thread, policy)
    if kind == "referral":
        return Disposition.REFERRAL, _new_referral(session, actor, message, reading, policy), ""
    if kind == "reject_self_referral":
        return Disposition.REJECT_SELF_REFERRAL, None, SELF_REFERRAL_REASON
    return Disposition.QUARANTINE, None, reading.reason or "No referral form found."


def duplicate_of(session: Session, message: InboundMessage) -> tuple[InboundMessage | None, str]:
    """Return an earlier message this one repeats (same Message-ID, bytes or forms) and how."""
    earlier = col(InboundMessage.id) < message.id
    if message.message_id:
        query = select(InboundMessage).where(
            earlier, col(InboundMessage.message_id) == message.message_id
        )
        found = session.exec(query.order_by(col(InboundMessage.id))).first()
        if found is not None:
            return found, "Message-ID"
    query = select(InboundMessage).where(
        earlier, col(InboundMessage.content_hash) == message.content_hash
    )
    found = session.exec(query.order_by(col(InboundMessage.id))).first()
    if found is not None:
        return found, "content"
    return _same_forms(session, message), "attached forms from the same sender"


def _forms(session: Session, message_id: int | None) -> set[str]:
    query = select(Attachment.sha256, Attachment.declared_type).where(
        col(Attachment.message_id) == message_id, col(Attachment.size) > 0
    )
    return {sha for sha, ctype in session.exec(query) if sha and not ctype.startswith("image/")}


def _same_forms(session: Session, message: InboundMessage) -> InboundMessage | None:
    """An earlier referral message from the same sender carrying exactly the same files."""
    mine = _forms(session, message.id)
    if not mine or not message.from_address:
        return None
    carrying = (
        select(Attachment.message_id)
        .where(col(Attachment.sha256).in_(mine), col(Attachment.message_id) < message.id)
        .distinct()
    )
    candidates = session.exec(
        select(InboundMessage.id)
        .where(
            col(InboundMessage.id).in_(carrying),
            col(InboundMessage.from_address) == message.from_address,
            col(InboundMessage.referral_id).is_not(None),
        )
        .order_by(col(InboundMessage.id))
    )
    same = next((c for c in candidates if _forms(session, c) == mine), None)
    return session.get(InboundMessage, same) if same is not None else None


def thread_referral(session: Session, message: InboundMessage, reading: Reading) -> Referral | None:
    """Return the referral this message replies to: by subject tag, or by its thread headers."""
    tag = reference_in(message.subject)
    if tag:
        found = session.exec(select(Referral).where(col(Referral.reference) == tag)).first()
        if found is not None:
            return found
    ids = [i for i in (reading.in_reply_to, *reading.references) if i][:50]
    if not ids:
        return None
    replied = session.exec(
        select(InboundMessage)
        .where(
            col(InboundMessage.message_id).in_(ids),
            col(InboundMessage.referral_id).is_not(None),
            col(InboundMessage.id) != message.id,
        )
        .order_by(col(InboundMessage.id).desc())
    ).first()
    if replied is not None:
        return session.get(Referral, replied.referral_id)
    return _acknowledged(session, ids)


def _acknowledged(session: Session, ids: list[str]) -> Referral | None:
    """The referral whose mail from us (its Message-ID kept on the outbox row) this answers."""
    mail = session.exec(
        select(Outbox)
        .where(col(Outbox.message_id).in_(ids), col(Outbox.referral_id).is_not(None))
        .order_by(col(Outbox.id).desc())  # the newest of our mails in the thread
    ).first()
    return session.get(Referral, mail.referral_id) if mail is not None else None


def _in_thread(
    session: Session,
    actor: Actor,
    message: InboundMessage,
    reading: Reading,
    referral: Referral,
    policy: Policy,
) -> tuple[Disposition, Referral | None, str]:
    kind = reading.record.get("disposition")
    if kind == "referral" and reading.record.get("referral"):
        known = _known_sender(session, message, referral, policy)
        reason = _propose_update(session, actor, message, reading, referral, known)
        if not known:
            # A reference in a subject is easy to copy: a stranger's update is checked first.
            reason += " Sent by someone not yet on this referral: check who sent it."
        return Disposition.UPDATE, referral, reason
    if reading.record.get("unreadable_parts"):
        return (
            Disposition.QUARANTINE,
            referral,
            reading.reason or "An attachment could not be read.",
        )
    _flag(referral, f"message.{message.id}")
    audit.record(
        session,
        actor,
        "correspondence",
        "referral",
        referral.id,
        f"Reply without a form: message {message.id}",
    )
    return Disposition.UPDATE, referral, "A reply in the thread without a form: read it."


def _known_sender(
    session: Session, message: InboundMessage, referral: Referral, policy: Policy
) -> bool:
    """The referrer, a professional address, or someone whose earlier mail about this referral
    made it or was accepted as an update (a rejected update makes nobody known)."""
    sender = message.from_address
    if not sender_authentication.counts_as_known(message.sender_check):
        return False  # the receiving server did not vouch for the From: address
    if not sender or sender == referral.referrer_email.lower():
        return bool(sender)
    if referrer_domains.is_professional(session, sender, policy):
        return True
    accepted = select(ProposedAssessment.message_id).where(
        col(ProposedAssessment.referral_id) == referral.id,
        col(ProposedAssessment.status) == ProposalStatus.ACCEPTED,
    )
    earlier = select(InboundMessage.id).where(
        col(InboundMessage.referral_id) == referral.id,
        col(InboundMessage.from_address) == sender,
        col(InboundMessage.id) != message.id,
        sa.or_(
            col(InboundMessage.disposition) == Disposition.REFERRAL,
            col(InboundMessage.id).in_(accepted),
        ),
    )
    return session.exec(earlier.limit(1)).first() is not None


def _propose_update(
    session: Session,
    actor: Actor,
    message: InboundMessage,
    reading: Reading,
    referral: Referral,
    sender_known: bool,
) -> str:
    """Keep the reply's checklists as proposals for a coordinator (workflow.proposals): the
    referral's risk, criteria, deadlines and state stay as they are until one is accepted."""
    new = to_new_referral(reading.record["referral"], Source.EMAIL, _review(reading))
    for assessment in new.assessments:
        assessment.source_message_id = message.id
        assessment.provenance = checklist_sources(reading, assessment.instrument)
    return proposals.propose(
        session,
        actor,
        referral,
        persisted_id(message),
        message.from_address,
        new.assessments,
        new.needs_review,
        sender_known,
    )


def _flag(referral: Referral, *paths: str) -> None:
    referral.needs_review = list(dict.fromkeys([*referral.needs_review, *paths]))


def _review(reading: Reading) -> list[str]:
    review = list(reading.record.get("needs_review") or [])
    review += [f"unreadable_parts.{name}" for name in reading.record.get("unreadable_parts") or []]
    return review


def checklist_sources(reading: Reading, instrument: Instrument) -> dict[str, Any]:
    """Return where each answer of one checklist was read, keyed by question number."""
    kind = "stalking_screen" if instrument is Instrument.S_DASH_11 else "dash"
    prefix = f"{kind}.answers."
    return {
        path.removeprefix(prefix): dict(where)
        for path, where in reading.sources.items()
        if path.startswith(prefix)
    }


def _new_referral(
    session: Session, actor: Actor, message: InboundMessage, reading: Reading, policy: Policy
) -> Referral:
    source = Source.UPLOAD if message.channel == "upload" else Source.EMAIL
    new = to_new_referral(reading.record["referral"], source, _review(reading))
    if not new.fields.get("referrer_email") and message.channel != "upload":
        new.fields["referrer_email"] = message.from_address  # the sender is the referrer
    for assessment in new.assessments:
        assessment.source_message_id = message.id
        assessment.provenance = checklist_sources(reading, assessment.instrument)
    authenticated = sender_authentication.counts_as_known(message.sender_check)
    if not authenticated:
        referrer_confirmation.mark_unconfirmed(new, referrer_confirmation.MAIL_REASON)
    referral = receive_referral(_Joined(session), actor, new, policy)
    sender_is_professional = authenticated and referrer_domains.is_professional(
        session, message.from_address, policy
    )
    if message.channel in ACKNOWLEDGED_CHANNELS and sender_is_professional:
        queue_acknowledgement(
            session,
            referral,
            policy,
            in_reply_to=message.message_id or None,
            references=" ".join(reading.references) or None,
        )
    return referral


def _reference(session: Session, message: InboundMessage) -> str | None:
    if message.referral_id is None:
        return None
    referral = session.get(Referral, message.referral_id)
    return referral.reference if referral is not None else None


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


def reopen(session: Session, actor: Actor, message_id: int) -> InboundMessage:
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
        reference=_reference(session, message),
        referral_id=message.referral_id,
        attachments=[(clean_filename(name), size) for name, size in files],
        unreadable_parts=list(extraction.get("unreadable_parts") or []),
        needs_review=list(extraction.get("needs_review") or []),
        read_again=_read_again(session, persisted_id(message)),
        preview=str(extraction.get("text_preview") or "").replace("\x00", ""),
        virus_scan=message.virus_scan or "not scanned (it arrived before scanning was set up)",
        sender_known=sender_authentication.counts_as_known(message.sender_check)
        and (
            message.referral_id is not None
            or referrer_domains.is_professional(session, message.from_address, policy or CAMBS)
        ),
        sender_check=sender_authentication.words(message.sender_check),
    )
    audit.record(
        session, actor, "view", "inbound_message", message.id, f"Viewed message {message.id}"
    )
    uow.commit()
    return view
