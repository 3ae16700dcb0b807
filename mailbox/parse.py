"""Turn one raw message into the contract's extraction record, plus what ingestion needs.

`parse_message(raw)` gives the record of docs/contract.md (without "file"). `parse(raw)` gives a
`ParsedMessage`: that record as `.record`, the message's headers, every attachment found (name,
declared and detected type, size, SHA-256, why it could not be read) and, per extracted field path,
the document and cell or line it was read from. Neither touches a database or the network.
"""

from __future__ import annotations

import email.utils
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from typing import Any

from mailbox import classify
from mailbox.documents import detect_type, read_attachment
from mailbox.extract import Source, build_referral
from mailbox.form_reading import FormReading, read_form
from mailbox.grid import Document
from mailbox.mime import MimeLimit, header_text, parse_bytes, parse_headers, walk
from mailbox.parts import Walked
from mailbox.readers.body import read_html, read_plain
from mailbox.safety import DEFAULT_MAX_ATTACHMENT_BYTES, UnreadablePart

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AttachmentInfo:
    """An attachment as found: names, declared and detected types, size, digest, and why unread."""

    filename: str
    declared_type: str
    detected_type: str
    size: int
    sha256: str
    unreadable_reason: str | None = None


@dataclass
class ParsedMessage:
    """A parsed message: the contract record plus the headers and provenance ingestion needs."""

    record: dict[str, Any]
    message_id: str | None = None
    subject: str = ""
    from_address: str = ""
    from_name: str = ""
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    sent_at: datetime | None = None  # the Date header, timezone-aware; None when absent or odd
    attachments: list[AttachmentInfo] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # odd MIME met on the way, for the log
    preview: str = ""  # the message's own text, safe to show instead of opening the original


def parse_message(
    raw: bytes,
    *,
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
    own_addresses: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Return the extraction record (without "file") for one raw RFC 822 message."""
    return parse(raw, max_attachment_bytes=max_attachment_bytes, own_addresses=own_addresses).record


def parse(
    raw: bytes,
    *,
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
    own_addresses: frozenset[str] = frozenset(),
) -> ParsedMessage:
    """Parse one raw message: classify it, read its forms and say what could not be read."""
    try:
        msg = parse_bytes(raw)
    except MimeLimit as exc:  # too deep or too many parts to parse at all: a person reads it
        parsed = _headers(parse_headers(raw))
        parsed.problems = [str(exc)]
        parsed.record = _record("quarantine", unreadable=["the whole message"])
        return parsed
    walked = walk(msg, max_attachment_bytes)
    parsed = _headers(msg)
    parsed.problems = walked.problems
    early = _early_disposition(msg, walked, parsed, own_addresses)
    if early is not None:  # nothing in an auto-reply or a bounce is read, hostile or not
        parsed.record = _record(early, unreadable=[])
        return parsed
    bodies = _body_documents(walked)  # read once: the preview and the self-referral check too
    parsed.preview = text_preview(walked, bodies)
    docs = _read_attachments(walked, parsed) + bodies
    unreadable = [a.filename for a in parsed.attachments if a.unreadable_reason]
    forms = [f for f in _read_forms(docs, unreadable) if f.is_form]
    if forms:
        extraction = build_referral(forms, parsed.subject)
        if _from_the_victim(walked, parsed, extraction.referral, bodies):
            parsed.record = _record("reject_self_referral", unreadable)
            return parsed  # for a person to answer; never queued as a professional's referral
        parsed.sources = extraction.sources
        parsed.record = _record(
            "referral", unreadable, extraction.referral, extraction.needs_review
        )
    else:
        parsed.record = _record(_formless(msg, walked, parsed, unreadable), unreadable)
    return parsed


def _record(
    disposition: str,
    unreadable: list[str],
    referral: dict[str, Any] | None = None,
    review: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "disposition": disposition,
        "referral": referral,
        "unreadable_parts": unreadable,
        "needs_review": review or [],
    }


def _headers(msg: Message) -> ParsedMessage:
    name, address = email.utils.parseaddr(header_text(msg, "From"))
    refs = header_text(msg, "References").split()
    return ParsedMessage(
        record={},
        message_id=header_text(msg, "Message-ID") or None,
        subject=header_text(msg, "Subject"),
        from_address=address.lower(),
        from_name=name,
        in_reply_to=header_text(msg, "In-Reply-To") or None,
        references=refs,
        sent_at=_sent_at(header_text(msg, "Date")),
    )


def _sent_at(value: str) -> datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _early_disposition(
    msg: Message, walked: Walked, parsed: ParsedMessage, own: frozenset[str]
) -> str | None:
    if classify.is_own_mail(parsed.from_address, own):
        return "ignore_autoreply"  # our own mail come back: never answer it
    if classify.is_bounce(msg, walked.content_types):
        return "ignore_bounce"
    if classify.is_autoreply(msg):
        return "ignore_autoreply"
    return None


def _formless(msg: Message, walked: Walked, parsed: ParsedMessage, unreadable: list[str]) -> str:
    if unreadable:
        return "quarantine"
    if classify.is_auto_generated(msg):
        return "ignore_autoreply"
    text = "\n".join(b.text for b in walked.bodies if b.subtype == "plain")
    if classify.is_self_referral(parsed.from_address, text):
        return "reject_self_referral"
    return "quarantine"


def _from_the_victim(
    walked: Walked, parsed: ParsedMessage, referral: dict[str, Any], bodies: list[Document]
) -> bool:
    text = "\n".join(b.text for b in walked.bodies if b.subtype == "plain")
    if not text.strip():  # an HTML-only message: its words, without the markup
        text = "\n".join(r.text for d in bodies for r in d.rows)
    return classify.self_referral_with_form(parsed.from_address, parsed.from_name, text, referral)


def _read_attachments(walked: Walked, parsed: ParsedMessage) -> list[Document]:
    docs = []
    for att in walked.attachments:
        detected, reason = "oversize" if att.oversize else "other", None
        try:
            detected = detected if att.oversize else detect_type(att.filename, att.data)
            doc = read_attachment(att, detected)
        except UnreadablePart as exc:
            doc, reason = None, str(exc)
        except Exception as exc:
            log.warning("reader failed on an attachment: %s", type(exc).__name__)
            doc, reason = None, f"reader failed: {type(exc).__name__}"
        parsed.attachments.append(
            AttachmentInfo(att.filename, att.declared_type, detected, att.size, att.sha256, reason)
        )
        if doc is not None:
            docs.append(doc)
    return docs


def _read_forms(docs: list[Document], unreadable: list[str]) -> list[FormReading]:
    """Read each document's form; one that trips the reader is listed, not fatal to the rest."""
    forms = []
    for doc in docs:
        try:
            forms.append(read_form(doc))
        except Exception as exc:  # a reader bug must not lose the message's other parts
            log.warning("form reading failed: %s", type(exc).__name__)
            unreadable.append(doc.name)
    return forms


PREVIEW_CHARS = 5000


def text_preview(walked: Walked, bodies: list[Document] | None = None) -> str:
    """The message's own words as plain text (HTML as its table rows): no markup, no control
    characters, at most PREVIEW_CHARS, for a person to read on the page.

    `bodies` are the body documents when already read (_body_documents), so HTML is read once.
    """
    text = "\n".join(b.text for b in walked.bodies if b.subtype == "plain")
    if not text.strip():
        docs = _body_documents(walked) if bodies is None else bodies
        text = "\n".join(r.text for d in docs for r in d.rows)
    kept = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
    return kept.strip()[:PREVIEW_CHARS]


def _body_documents(walked: Walked) -> list[Document]:
    # HTML first: its tables keep the columns that plain text loses.
    bodies = sorted(walked.bodies, key=lambda b: b.subtype != "html")
    docs = []
    for body in bodies:
        try:
            docs.append((read_html if body.subtype == "html" else read_plain)(body.name, body.text))
        except Exception as exc:  # odd markup must not lose the message's other parts
            log.warning("body reading failed: %s", type(exc).__name__)
    return docs
