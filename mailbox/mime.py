"""Walk a MIME message safely into bodies and attachments, unwrapping forwards, .msg and TNEF."""

from __future__ import annotations

import binascii
import email
import email.errors
import email.parser
import email.utils
import quopri
import re
from email import policy
from email.header import decode_header, make_header
from email.message import Message

from mailbox.outlook import unwrap_msg, unwrap_tnef
from mailbox.parts import Body, Walked, decode_text, make_attachment, oversize
from mailbox.safety import DEFAULT_MAX_ATTACHMENT_BYTES, safe_filename

MAX_DEPTH = 12
MAX_PARTS = 500
# The standard parser recurses once per nested multipart: 1,000 levels raise RecursionError in
# whoever parses. Counted in the raw bytes before parsing, the multipart headers bound the depth.
MAX_MULTIPARTS = 100
_MULTIPART = re.compile(rb"^content-type:[ \t]*multipart/", re.IGNORECASE | re.MULTILINE)
_CONTENT_TYPE = re.compile(rb"^content-type:", re.IGNORECASE | re.MULTILINE)


class MimeLimit(ValueError):
    """The message's MIME structure is over a limit; it is not parsed (its reason is readable)."""


def mime_limit(raw: bytes) -> str:
    """Return why a message is too deep or has too many parts to parse, or '' when it is not."""
    if len(_MULTIPART.findall(raw)) > MAX_MULTIPARTS:
        return f"The message nests more than {MAX_MULTIPARTS} multipart sections: not read."
    if len(_CONTENT_TYPE.findall(raw)) > MAX_PARTS:
        return f"The message has more than {MAX_PARTS} parts: not read."
    return ""


def parse_bytes(raw: bytes) -> Message:
    """Parse raw RFC 822 bytes (the compat policy never raises on odd headers); raise MimeLimit
    first when the structure is over the limits."""
    problem = mime_limit(raw)
    if problem:
        raise MimeLimit(problem)
    return email.message_from_bytes(raw, policy=policy.compat32)


def parse_headers(raw: bytes) -> Message:
    """Parse only the top-level headers: never recurses, whatever the body holds."""
    return email.parser.BytesHeaderParser(policy=policy.compat32).parsebytes(raw)


def header_text(msg: Message, name: str) -> str:
    """Return a header decoded from RFC 2047, or '' when absent or undecodable."""
    value = msg.get(name)
    if value is None:
        return ""
    try:
        return str(make_header(decode_header(str(value)))).strip()
    except (LookupError, UnicodeError, ValueError, TypeError, email.errors.MessageError):
        return str(value).strip()


def part_filename(part: Message) -> str | None:
    """Return a part's file name from RFC 2231 or RFC 2047 parameters, if any."""
    try:
        name = part.get_filename() or part.get_param("name")
    except (LookupError, UnicodeError, ValueError, TypeError, email.errors.MessageError):
        return None
    if isinstance(name, tuple):  # an undecoded RFC 2231 triple
        name = email.utils.collapse_rfc2231_value(name)
    if not name:
        return None
    try:
        return str(make_header(decode_header(str(name))))
    except (LookupError, UnicodeError, ValueError, TypeError, email.errors.MessageError):
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
    payload = _payload(part)
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


def _payload(part: Message) -> object:
    """Return a part's payload; a charset the codecs refuse ("iso\x00-8859-1") gives none here
    (the leaf is then decoded byte-wise by `_decoded`)."""
    try:
        return part.get_payload()
    except (ValueError, LookupError):
        return None


def _embedded(part: Message, payload: list[Message]) -> list[Message]:
    """Return an attached message, decoding it when the sender base64- or QP-encoded it."""
    cte = str(part.get("Content-Transfer-Encoding") or "").strip().lower()
    if cte not in ("base64", "quoted-printable"):
        return payload
    encoded = payload[0].get_payload()
    if not isinstance(encoded, str):
        return []
    raw = encoded.encode("ascii", "replace")
    try:
        data = binascii.a2b_base64(raw) if cte == "base64" else quopri.decodestring(raw)
    except (binascii.Error, ValueError):  # damaged encoding: read what was attached as it is
        return payload
    return [parse_bytes(data)]


def _leaf(part: Message, ctype: str, found: Walked, depth: int, limit: int) -> None:
    name = part_filename(part)
    disposition = str(part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    if ctype in ("text/plain", "text/html") and not name and disposition != "attachment":
        data = _decoded(part)
        text = decode_text(data, part.get_content_charset())
        found.bodies.append(Body(ctype.split("/")[1], text, f"body.{ctype.split('/')[1]}"))
        return
    if ctype == "message/rfc822":  # a forward some mailers base64-encode: parse it ourselves
        _walk(parse_bytes(_decoded(part)), found, depth + 1, limit)
        return
    if not ctype.startswith("message/") and ctype != "text/rfc822-headers":
        _file(part, ctype, name, disposition == "inline", found, depth, limit)


def _file(
    part: Message, ctype: str, name: str | None, inline: bool, found: Walked, depth: int, limit: int
) -> None:
    """Keep an attached file, unwrapping Outlook containers and attached .eml messages."""
    encoded = part.get_payload()
    if isinstance(encoded, str) and len(encoded) * 3 // 4 > limit + 1024:
        # Too big even to decode: keep its name so the message says what it could not read.
        found.attachments.append(oversize(name, ctype, len(encoded) * 3 // 4))
        return
    data = _decoded(part)
    filename = safe_filename(name, fallback=f"part{len(found.content_types)}")
    if len(data) > limit:
        found.attachments.append(oversize(filename, ctype, len(data)))
        return
    lower = filename.lower()
    if ctype == "application/ms-tnef" or lower == "winmail.dat":
        _merge(found, unwrap_tnef(data, limit))
    elif lower.endswith(".msg") or ctype == "application/vnd.ms-outlook":
        _merge(found, unwrap_msg(filename, ctype, data, limit))
    elif lower.endswith(".eml"):
        _walk(parse_bytes(data), found, depth + 1, limit)
    else:
        inline = inline or bool(part.get("Content-ID"))
        found.attachments.append(make_attachment(filename, ctype, data, inline=inline))


def _merge(found: Walked, inner: Walked) -> None:
    found.bodies += inner.bodies
    found.attachments += inner.attachments
    found.problems += inner.problems


def _decoded(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except (ValueError, TypeError, UnicodeError):
        data = None
    if isinstance(data, bytes):
        return data
    raw = _payload(part)
    return raw.encode("utf-8", "replace") if isinstance(raw, str) else b""
