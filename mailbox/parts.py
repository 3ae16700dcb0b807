"""What a message is made of once walked: bodies, attachments, and the problems met."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from mailbox.safety import safe_filename


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


def decode_text(data: bytes, charset: str | None) -> str:
    """Decode text in its declared charset, falling back to UTF-8 then Windows-1252."""
    for candidate in (charset, "utf-8", "cp1252"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError, ValueError):  # ValueError: a NUL in its name
            continue
    return data.decode("latin-1")


def make_attachment(filename: str, ctype: str, data: bytes, *, inline: bool = False) -> Attachment:
    """Describe an attachment's bytes with their size and SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    return Attachment(filename, ctype, data, len(data), digest, inline=inline)


def oversize(filename: str | None, ctype: str, size: int) -> Attachment:
    """Describe an attachment too large to keep: its name and size only."""
    return Attachment(safe_filename(filename), ctype, b"", size, "", oversize=True)


def fitted(filename: str, ctype: str, data: bytes, limit: int) -> Attachment:
    """Describe an attachment, or only its name and size when it is over the limit."""
    if len(data) > limit:
        return oversize(filename, ctype, len(data))
    return make_attachment(filename, ctype, data)
