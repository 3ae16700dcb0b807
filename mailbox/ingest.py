"""One ingestion path for every channel: store the message and commit, then read and settle it.

The poller, `flask ingest-eml` and the coordinator's upload page all come through here, so a
message is handled the same way whichever door it came in by.
"""

from __future__ import annotations

import email.utils
import logging
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import asdict, dataclass, replace
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa

import config
from mailbox import clamav
from mailbox.documents import detect_type
from mailbox.extract import Source
from mailbox.mime import MimeLimit, header_text, parse_bytes, parse_headers, walk
from mailbox.parse import ParsedMessage, parse
from mailbox.safety import DEFAULT_MAX_ATTACHMENT_BYTES, safe_filename
from mailbox.worker import DEFAULT_MEMORY_BYTES, READERS, ReaderDied, ReadTimeout, name_of
from mailbox.worker import function as worker_function
from workflow.actors import Actor
from workflow.errors import DomainError, StaleReferral
from workflow.inbound import review, sender_authentication, settling
from workflow.inbound.arrival import Arrival, Reading, Settled, StoredFile, record_arrival
from workflow.models import InboundMessage
from workflow.models.mail import Disposition
from workflow.policy import CAMBS, Policy
from workflow.store.db import Database

log = logging.getLogger(__name__)

# Failures that say nothing about the message: leave it pending and try again next cycle.
TRANSIENT = (sa.exc.OperationalError, sa.exc.InterfaceError, StaleReferral)

UPLOAD_TYPES = {
    ".msg": "application/vnd.ms-outlook",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# A message whose reading takes longer than this is quarantined: no attachment stalls the poller.
DEFAULT_PARSE_TIMEOUT_SECONDS = float(config.DEFAULTS.parse_timeout_seconds)


def read_now(raw: bytes, max_attachment_bytes: int, own_addresses: frozenset[str]) -> Reading:
    """Read a raw message into a Reading, here and now; a message that trips the reader is
    quarantined. Runs in a reading child process (see read) unless the time limit is off."""
    try:
        parsed = parse(raw, max_attachment_bytes=max_attachment_bytes, own_addresses=own_addresses)
    except MimeLimit as exc:
        return _unread(str(exc))
    except Exception as exc:  # never a crash: the message waits in quarantine for a person
        log.warning("a message could not be read: %s", type(exc).__name__)
        return _unread(f"The message could not be read ({type(exc).__name__}).")
    return Reading(
        parsed.record,
        in_reply_to=parsed.in_reply_to,
        references=tuple(parsed.references),
        reason=_why_quarantined(parsed),
        sources={path: _where(source) for path, source in parsed.sources.items()},
        preview=parsed.preview,
    )


Reader = Callable[[bytes, int, frozenset[str]], Reading]


@dataclass(frozen=True)
class IngestConfig:
    """What reading and settling need from the settings."""

    policy: Policy = CAMBS
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES
    own_addresses: frozenset[str] = frozenset()
    parse_timeout: float = DEFAULT_PARSE_TIMEOUT_SECONDS  # 0: read in this process, no limit
    reader: Reader = read_now  # a module-level function: it is called in a child by name
    reader_memory: int = DEFAULT_MEMORY_BYTES  # the reading child's address-space limit
    clamd_socket: str | None = None  # unset: messages are not scanned, and say so
    # The receiving server's authserv-id: only its Authentication-Results header is believed,
    # and a sender it did not authenticate is unknown. Unset: From: is taken as it is.
    trusted_authserv_id: str | None = None

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> IngestConfig:
        """Build from the app's settings (config.load() or app.config)."""
        own = (
            email.utils.parseaddr(settings.get(k) or "")[1] for k in ("MAIL_FROM", "IMAP_USERNAME")
        )
        return cls(
            policy=config.policy(settings),
            max_attachment_bytes=int(
                settings.get("MAX_ATTACHMENT_BYTES") or DEFAULT_MAX_ATTACHMENT_BYTES
            ),
            own_addresses=frozenset(a.lower() for a in own if "@" in a),
            parse_timeout=float(
                _given(settings.get("PARSE_TIMEOUT_SECONDS"), DEFAULT_PARSE_TIMEOUT_SECONDS)
            ),
            reader_memory=int(settings.get("READER_MEMORY_BYTES") or DEFAULT_MEMORY_BYTES),
            clamd_socket=settings.get("CLAMD_SOCKET") or None,
            trusted_authserv_id=(settings.get("TRUSTED_AUTHSERV_ID") or "").strip() or None,
        )


def _given(value: Any, default: float) -> Any:
    return default if value is None or value == "" else value


def arrival(
    raw: bytes,
    config: IngestConfig,
    *,
    channel: str,
    folder: str = "",
    uidvalidity: int | None = None,
    uid: int | None = None,
) -> Arrival:
    """Describe a raw message for storing: its identity headers and its attached files. Never
    raises: a message that cannot even be described is kept whole with the reason (problem)."""
    where = {"channel": channel, "folder": folder, "uidvalidity": uidvalidity, "uid": uid}
    try:
        head = parse_headers(raw)
        _, sender = email.utils.parseaddr(header_text(head, "From"))
        message_id, subject = header_text(head, "Message-ID"), header_text(head, "Subject")
        results = [" ".join(str(v).split()) for v in head.get_all("Authentication-Results") or []]
        sender_check = sender_authentication.check(results, config.trusted_authserv_id, sender)
    except Exception as exc:  # headers no parser can read: keep the bytes, a person looks
        log.warning("could not read the headers of a message: %s", type(exc).__name__)
        return Arrival(raw=raw, problem=_unreadable(exc), **where)  # type: ignore[arg-type]
    files, problem = _files(raw, config)
    verdict = clamav.scan(config.clamd_socket, raw)
    if verdict.startswith("found:") and not problem:
        problem = (
            f"The virus scanner found {verdict.removeprefix('found:').strip()}: the message is "
            "kept whole; do not open its attachments."
        )
    return Arrival(
        raw=raw,
        message_id=message_id,
        from_address=sender.lower(),
        subject=subject,
        files=files,
        problem=problem,
        virus_scan=verdict,
        sender_check=sender_check.as_json(),
        **where,  # type: ignore[arg-type]
    )


def list_files(raw: bytes, max_attachment_bytes: int) -> dict[str, Any]:
    """The attached files (.msg and TNEF unwrapped) as plain data, or why the MIME is refused.
    Runs in the reading child: the poller and the web process never walk hostile MIME."""
    try:
        walked = walk(parse_bytes(raw), max_attachment_bytes)
    except MimeLimit as exc:
        return {"files": [], "problem": str(exc)}
    return {"files": [asdict(_stored(a)) for a in walked.attachments], "problem": ""}


def _files(raw: bytes, config: IngestConfig) -> tuple[tuple[StoredFile, ...], str]:
    """List the attachments within the reading limits; storing never fails on odd MIME (the raw
    bytes are kept whole, and reading the message later says what is wrong with it)."""
    args = (raw, config.max_attachment_bytes)
    try:
        if config.parse_timeout <= 0:
            answer = list_files(*args)
        else:
            answer = READERS.run(
                list_files, *args, timeout=config.parse_timeout, memory_bytes=config.reader_memory
            )
        files = tuple(StoredFile(**f) for f in answer["files"])
        return files, str(answer["problem"])
    except Exception as exc:
        log.warning("could not list the attachments of a message: %s", type(exc).__name__)
        return (), ""


def _unreadable(exc: BaseException) -> str:
    return f"The message could not be read ({type(exc).__name__}): it is kept whole."


def _stored(att: Any) -> StoredFile:
    detected = "oversize" if att.oversize else _detected(att.filename, att.data)
    return StoredFile(att.filename, att.declared_type, detected, att.size, att.sha256, att.data)


def _detected(filename: str, data: bytes) -> str:
    try:
        return detect_type(filename, data)
    except Exception:  # detection is a label for the coordinator, never a reason to lose a file
        return "other"


def store(database: Database, arrived: Arrival) -> tuple[int, bool]:
    """Record the message (once) and commit; return its row id and whether it is new.

    A message the database refuses as described (a value it cannot hold) is recorded again bare,
    its raw bytes kept whole, and quarantined with the reason: one message never stops the rest.
    A database that is down (TRANSIENT) is raised: nothing can be stored, the mail waits."""
    try:
        return _record(database, arrived)
    except TRANSIENT:
        raise
    except Exception as exc:
        log.warning("a message could not be stored as described: %s", type(exc).__name__)
    bare = Arrival(
        raw=arrived.raw,
        channel=arrived.channel,
        folder=arrived.folder,
        uidvalidity=arrived.uidvalidity,
        uid=arrived.uid,
        problem="Its headers or attachments could not be stored: the message is kept whole.",
    )
    return _record(database, bare)


def _record(database: Database, arrived: Arrival) -> tuple[int, bool]:
    with database.uow() as uow:
        message, created = record_arrival(uow.session, arrived, Actor.system("ingest"))
        uow.commit()
        return _id(message), created


def _id(message: InboundMessage) -> int:
    if message.id is None:
        raise RuntimeError("message not flushed")
    return message.id


def read(raw: bytes, config: IngestConfig) -> Reading:
    """Read a raw message within the time limit; one that overruns it or kills its reader is
    quarantined with the reason (its raw bytes were stored before reading began)."""
    args = (raw, config.max_attachment_bytes, config.own_addresses)
    if config.parse_timeout <= 0:
        return _storable(config.reader(*args))
    try:
        answer = READERS.run(
            read_in_child,
            name_of(config.reader),
            *args,
            timeout=config.parse_timeout,
            memory_bytes=config.reader_memory,
        )
        reading = _reading(answer)
    except ReadTimeout:
        log.warning("reading a message took over %g s: quarantined", config.parse_timeout)
        return _unread(
            f"Parsing took too long (over {config.parse_timeout:g} seconds): the message is kept "
            "whole for a person to read; its attachments can be downloaded from this page."
        )
    except ReaderDied as exc:
        log.warning("the reader of a message stopped: %s", exc)
        return _unread(f"The message could not be read: {exc}.")
    return _storable(reading)


def read_in_child(reader: str, raw: bytes, max_bytes: int, own: list[str]) -> dict[str, Any]:
    """Run the named reader (in the reading child) and answer with plain data for JSON."""
    reading: Reading = worker_function(reader)(raw, max_bytes, frozenset(own))
    return asdict(reading)


def _reading(answer: Any) -> Reading:
    """Rebuild a Reading from the child's JSON answer, trusting nothing about its shape."""
    if not isinstance(answer, dict) or not isinstance(answer.get("record"), dict):
        raise ReaderDied("the reader answered something that is not a reading")
    sources = answer.get("sources")
    return Reading(
        record=answer["record"],
        in_reply_to=str(answer["in_reply_to"]) if answer.get("in_reply_to") else None,
        references=tuple(str(r) for r in answer.get("references") or ()),
        reason=str(answer.get("reason") or ""),
        sources=sources if isinstance(sources, dict) else {},
        preview=str(answer.get("preview") or "")[:5000],
    )


def _storable(reading: Reading) -> Reading:
    """The reading with NUL characters taken out of every text (PostgreSQL refuses them)."""
    return replace(reading, record=_no_nul(reading.record), sources=_no_nul(reading.sources))


def _no_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_no_nul(k): _no_nul(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_no_nul(v) for v in value]
    return value


def _unread(reason: str) -> Reading:
    """A reading that found nothing, so the message is quarantined with the reason."""
    # "unreadable_parts" says the form may be in there: a reply in a referral's thread is then
    # quarantined too, rather than filed as a reply without a form.
    record: dict[str, Any] = {"disposition": "quarantine", "referral": None, "needs_review": []}
    return Reading({**record, "unreadable_parts": ["the whole message"]}, reason=reason)


# The readers' names for a message's own text, as a coordinator would say it.
BODY_NAMES = {"body.plain": "the email text", "body.html": "the email text (HTML)"}


def _where(source: Source) -> dict[str, str]:
    """The document and, within it, the cell, line or field (without the document's name)."""
    where = source.where
    if source.document and where.startswith(source.document):
        where = where[len(source.document) :].strip(" ,:")
    return {"document": BODY_NAMES.get(source.document, source.document), "where": where}


def _why_quarantined(parsed: ParsedMessage) -> str:
    reasons = [
        f"{a.filename}: {a.unreadable_reason}" for a in parsed.attachments if a.unreadable_reason
    ]
    reasons += [
        f"{name}: could not be read"
        for name in parsed.record.get("unreadable_parts") or []
        if not any(r.startswith(f"{name}:") for r in reasons)
    ]
    reasons += parsed.problems
    if not reasons:
        return "No referral form found in the message or its attachments."
    return "Unreadable: " + "; ".join(reasons)


def process(database: Database, message_id: int, config: IngestConfig, actor: Actor) -> Settled:
    """Read and settle one stored message; a reader or rule failure quarantines it, logged."""
    try:
        with database.uow() as uow:
            raw = settling.start_attempt(uow, actor, message_id)
        # Reading may take a while: no transaction is held open meanwhile.
        reading = read(raw, config) if raw is not None else Reading({})
        with database.uow() as uow:
            # Locked: whoever settles second finds it settled and changes nothing.
            message = uow.session.get(InboundMessage, message_id, with_for_update=True)
            if message is None:
                raise LookupError(f"no message {message_id}")
            return settling.settle(uow, actor, message, reading, config.policy)
    except TRANSIENT as exc:
        log.warning("message %s left pending: %s", message_id, type(exc).__name__)
        with suppress(Exception), database.uow() as uow:  # the database may be the fault
            settling.note_failed_attempt(uow, message_id, f"left pending: {type(exc).__name__}")
        return Settled(message_id, Disposition.PENDING, reason=type(exc).__name__)
    except Exception as exc:  # by type and id only: a database error may quote the victim
        kind = type(exc).__name__
        log.error("message %s could not be settled (%s): quarantined", message_id, kind)
        reason = f"Processing failed ({kind})."
        return _quarantine(database, message_id, reason)


def _quarantine(database: Database, message_id: int, reason: str) -> Settled:
    with database.uow() as uow:
        return settling.quarantine(uow, Actor.system("ingest"), message_id, reason)


def ingest(
    database: Database, raw: bytes, config: IngestConfig, actor: Actor, *, channel: str
) -> tuple[Settled, Arrival]:
    """Take one message from a file or an upload: store and commit it, then settle it."""
    arrived = arrival(raw, config, channel=channel)
    message_id, _ = store(database, arrived)
    return process(database, message_id, config, actor), arrived


def reprocess(database: Database, message_id: int, config: IngestConfig, actor: Actor) -> Settled:
    """Read a quarantined message again (after a fix), then reopen and settle it in one
    transaction: no transaction is held open while it is read, which may take a while. A
    failure while settling leaves it as it was (in quarantine), said plainly."""
    with database.uow() as uow:
        raw = review.reprocessable_raw(uow.session, message_id)
    reading = read(raw, config)
    try:
        with database.uow() as uow:
            message = review.requeue(uow.session, actor, message_id)
            return settling.settle(uow, actor, message, reading, config.policy)
    except (DomainError, *TRANSIENT):
        raise
    except Exception as exc:  # by type and id only: a database error may quote the victim
        log.error("message %s could not be settled again (%s)", message_id, type(exc).__name__)
    with database.uow() as uow:
        row = uow.session.get(InboundMessage, message_id)
        was = row.disposition if row is not None else Disposition.QUARANTINE
    why = "Reading it again failed: the message stays as it was."
    return Settled(message_id, was, reason=why)


def wrap_upload(filename: str, data: bytes, uploader: str) -> bytes:
    """Return a lone uploaded file as a message carrying it, so it takes the mail path."""
    name = safe_filename(filename)
    if name.lower().endswith(".eml"):
        return data
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    maintype, subtype = UPLOAD_TYPES.get(suffix, "application/octet-stream").split("/")
    msg = EmailMessage()
    msg["From"] = uploader
    msg["Subject"] = f"Uploaded by a coordinator: {name}"
    msg["Date"] = email.utils.formatdate(localtime=False)
    msg["Message-ID"] = email.utils.make_msgid(domain="upload.referral-desk.invalid")
    msg.set_content(f"{name} uploaded by {uploader}.")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()
