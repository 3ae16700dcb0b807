"""A message as it arrives: kept whole (raw bytes and attachments) and recorded once, pending.

What flows in: an `Arrival` from the mailbox poller, a saved message or a coordinator's upload.
What flows out: an `InboundMessage` row, disposition `pending`, committed before anything is read,
so bad input is never lost. Settling it is workflow/inbound/settling.py.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from workflow.actors import Actor
from workflow.models import Attachment, InboundMessage, Referral, utcnow
from workflow.models.base import persisted_id
from workflow.models.mail import Disposition
from workflow.models.referral import Instrument, Source
from workflow.record.translate import to_new_referral
from workflow.referrals.receiving import NewReferral
from workflow.store import audit


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
    sender_check: dict[str, Any] | None = None  # workflow/inbound/sender_authentication.py


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


def review_paths(reading: Reading) -> list[str]:
    """Return the field paths a person must check: doubted values and unreadable parts."""
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


def referral_read(reading: Reading, message: InboundMessage, source: Source) -> NewReferral:
    """Return the referral the reader found in a message, each checklist knowing its message and
    where each answer was read: the same for a new referral and for an update to one."""
    new = to_new_referral(reading.record["referral"], source, review_paths(reading))
    for assessment in new.assessments:
        assessment.source_message_id = message.id
        assessment.provenance = checklist_sources(reading, assessment.instrument)
    return new


def reference_of(session: Session, message: InboundMessage) -> str | None:
    """Return the reference of the referral a message became or updated, if any."""
    if message.referral_id is None:
        return None
    referral = session.get(Referral, message.referral_id)
    return referral.reference if referral is not None else None
