"""Walk a MIME message safely into bodies and attachments, unwrapping forwards, .msg and TNEF."""

from __future__ import annotations

import binascii
import email
import email.utils
import hashlib
import io
import logging
import quopri
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from mailbox.safety import DEFAULT_MAX_ATTACHMENT_BYTES, safe_filename

log = logging.getLogger(__name__)

MAX_DEPTH = 12
MAX_PARTS = 500


@dataclass(frozen=True)
class Attachment:
    """A file carried by the message, as declared and as found."""

    filename: str
    declared_type: str
    data: bytes
    size: int
    sha256: str
    oversize: bool = False
    inline: bool = False


@dataclass
class Body:
    """A text part the sender wrote (plain or HTML), decoded to str."""

    subtype: str
    text: str
    name: str


@dataclass
class Walked:
    """Everything found in a message's MIME tree."""

    bodies: list[Body] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    content_types: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_bytes(raw: bytes) -> Message:
    """Parse raw RFC 822 bytes; the compat policy never raises on odd headers."""
    return email.message_from_bytes(raw, policy=policy.compat32)


def header_text(msg: Message, name: str) -> str:
    """Return a header decoded from RFC 2047, or '' when absent or undecodable."""
    value = msg.get(name)
    if value is None:
        return ""
    try:
        return str(make_header(decode_header(str(value)))).strip()
    except (LookupError, UnicodeError, ValueError, TypeError):
        return str(value).strip()


def decode_text(data: bytes, charset: str | None) -> str:
    """Decode text in its declared charset, falling back to UTF-8 then Windows-1252."""
    for candidate in (charset, "utf-8", "cp1252"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


def part_filename(part: Message) -> str | None:
    """Return a part's file name from RFC 2231 or RFC 2047 parameters, if any."""
    try:
        name = part.get_filename() or part.get_param("name")
    except (LookupError, UnicodeError, ValueError, TypeError):
        return None
    if isinstance(name, tuple):  # an undecoded RFC 2231 triple
        name = email.utils.collapse_rfc2231_value(name)
    if not name:
        return None
    try:
        return str(make_header(decode_header(str(name))))
    except (LookupError, UnicodeError, ValueError, TypeError):
        return str(name)


def walk(msg: Message, max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES) -> Walked:
    """Collect bodies and attachments from a parsed message, whatever its shape."""
    found = Walked()
    _walk(msg, found, 0, max_attachment_bytes)
    return found


def _walk(part: Message, found: Walked, depth: int, limit: int) -> None:
    if depth > MAX_DEPTH or len(found.content_types) > MAX_PARTS:
        found.problems.append("MIME nesting too deep or too many parts")
        return
    ctype = part.get_content_type()
    found.content_types.append(ctype)
    payload = part.get_payload()
    children = [c for c in payload if isinstance(c, Message)] if isinstance(payload, list) else []
    if ctype == "message/rfc822" and children:
        for child in _embedded(part, children):  # a forward attached as a message: read it too
            _walk(child, found, depth + 1, limit)
        return
    if part.is_multipart() or ctype.startswith("multipart/"):
        for child in children:
            _walk(child, found, depth + 1, limit)
        return
    _leaf(part, ctype, found, depth, limit)


def _embedded(part: Message, payload: list[Message]) -> list[Message]:
    """Return an attached message, decoding it when the sender base64- or QP-encoded it."""
    cte = str(part.get("Content-Transfer-Encoding") or "").strip().lower()
    if cte not in ("base64", "quoted-printable"):
        return payload
    encoded = payload[0].get_payload()
    if not isinstance(encoded, str):
        return []
    raw = encoded.encode("ascii", "replace")
    data = binascii.a2b_base64(raw) if cte == "base64" else quopri.decodestring(raw)
    return [parse_bytes(data)]


def _leaf(part: Message, ctype: str, found: Walked, depth: int, limit: int) -> None:
    name = part_filename(part)
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    if ctype in ("text/plain", "text/html") and not name and disposition != "attachment":
        data = _decoded(part)
        text = decode_text(data, part.get_content_charset())
        found.bodies.append(Body(ctype.split("/")[1], text, f"body.{ctype.split('/')[1]}"))
        return
    if ctype == "message/rfc822":  # a forward some mailers base64-encode: parse it ourselves
        _walk(parse_bytes(_decoded(part)), found, depth + 1, limit)
        return
    if ctype.startswith("message/") or ctype == "text/rfc822-headers":
        return
    encoded = part.get_payload()
    if isinstance(encoded, str) and len(encoded) * 3 // 4 > limit + 1024:
        # Too big even to decode: keep its name so the message says what it could not read.
        found.attachments.append(_oversize(name, ctype, len(encoded) * 3 // 4))
        return
    data = _decoded(part)
    filename = safe_filename(name, fallback=f"part{len(found.content_types)}")
    if len(data) > limit:
        found.attachments.append(_oversize(filename, ctype, len(data)))
        return
    lower = filename.lower()
    if ctype == "application/ms-tnef" or lower == "winmail.dat":
        _unwrap_tnef(data, found, depth, limit)
    elif lower.endswith(".msg") or ctype == "application/vnd.ms-outlook":
        _unwrap_msg(filename, ctype, data, found, depth, limit)
    elif lower.endswith(".eml"):
        _walk(parse_bytes(data), found, depth + 1, limit)
    else:
        inline = disposition == "inline" or bool(part.get("Content-ID"))
        found.attachments.append(make_attachment(filename, ctype, data, inline=inline))


def _decoded(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except (ValueError, TypeError, UnicodeError):
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "replace") if isinstance(raw, str) else b""


def make_attachment(filename: str, ctype: str, data: bytes, *, inline: bool = False) -> Attachment:
    """Describe an attachment's bytes with their size and SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    return Attachment(filename, ctype, data, len(data), digest, inline=inline)


def _oversize(filename: str | None, ctype: str, size: int) -> Attachment:
    return Attachment(safe_filename(filename), ctype, b"", size, "", oversize=True)


def _unwrap_tnef(data: bytes, found: Walked, depth: int, limit: int) -> None:
    from tnefparse import TNEF  # imported late: only Outlook's winmail.dat needs it

    try:
        tnef = TNEF(data, do_checksum=False)
    except Exception as exc:
        found.problems.append(f"winmail.dat unreadable: {type(exc).__name__}")
        found.attachments.append(make_attachment("winmail.dat", "application/ms-tnef", data))
        return
    body = getattr(tnef, "body", None) or getattr(tnef, "htmlbody", None)
    if isinstance(body, bytes):
        found.bodies.append(Body("plain", decode_text(body, None), "winmail.dat body"))
    for att in tnef.attachments:
        name = safe_filename(att.long_filename() or att.name)
        blob = bytes(att.data or b"")
        if len(blob) > limit:
            found.attachments.append(_oversize(name, "application/octet-stream", len(blob)))
        else:
            found.attachments.append(make_attachment(name, "application/octet-stream", blob))


def _msg_name(att: object) -> str:
    for attr in ("longFilename", "shortFilename", "name"):
        name = getattr(att, attr, None)
        if isinstance(name, str) and name:
            return name
    return "attachment"


def _unwrap_msg(
    filename: str, ctype: str, data: bytes, found: Walked, depth: int, limit: int
) -> None:
    import extract_msg  # imported late: only Outlook .msg attachments need it

    try:
        msg = extract_msg.openMsg(io.BytesIO(data))
        body = getattr(msg, "body", None) or ""
        inner = [(_msg_name(a), getattr(a, "data", None)) for a in msg.attachments]
    except Exception as exc:
        found.problems.append(f".msg unreadable: {type(exc).__name__}")
        found.attachments.append(make_attachment(filename, ctype, data))
        return
    found.bodies.append(Body("plain", str(body), filename))
    for name, blob in inner:
        if isinstance(blob, bytes):
            found.attachments.append(
                make_attachment(safe_filename(name), "application/octet-stream", blob)
            )
