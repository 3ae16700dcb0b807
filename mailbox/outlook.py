"""Unwrap Outlook's own containers: winmail.dat (TNEF) and attached .msg messages."""

from __future__ import annotations

import io

from mailbox.parts import Body, Walked, decode_text, fitted, make_attachment
from mailbox.safety import safe_filename

OCTET = "application/octet-stream"


def unwrap_tnef(data: bytes, limit: int) -> Walked:
    """Return the body and files inside a winmail.dat; the file itself when it cannot be read."""
    from tnefparse import TNEF  # imported late: only Outlook's winmail.dat needs it

    found = Walked()
    try:
        tnef = TNEF(data, do_checksum=False)
        files = [(a.long_filename() or a.name, bytes(a.data or b"")) for a in tnef.attachments]
    except Exception as exc:  # a third-party parser may raise anything on a hostile file
        found.problems.append(f"winmail.dat unreadable: {type(exc).__name__}")
        found.attachments.append(make_attachment("winmail.dat", "application/ms-tnef", data))
        return found
    body = getattr(tnef, "body", None) or getattr(tnef, "htmlbody", None)
    if isinstance(body, bytes):
        found.bodies.append(Body("plain", decode_text(body, None), "winmail.dat body"))
    for name, blob in files:
        found.attachments.append(fitted(safe_filename(name), OCTET, blob, limit))
    return found


def _msg_name(att: object) -> str:
    for attr in ("longFilename", "shortFilename", "name"):
        name = getattr(att, attr, None)
        if isinstance(name, str) and name:
            return name
    return "attachment"


def unwrap_msg(filename: str, ctype: str, data: bytes, limit: int) -> Walked:
    """Return the body and files inside an Outlook .msg; the file itself when it cannot be read."""
    import extract_msg  # imported late: only Outlook .msg attachments need it

    found = Walked()
    try:
        msg = extract_msg.openMsg(io.BytesIO(data))
        body = getattr(msg, "body", None) or ""
        files = [(_msg_name(a), getattr(a, "data", None)) for a in msg.attachments]
    except Exception as exc:  # a third-party parser may raise anything on a hostile file
        found.problems.append(f".msg unreadable: {type(exc).__name__}")
        found.attachments.append(make_attachment(filename, ctype, data))
        return found
    found.bodies.append(Body("plain", str(body), filename))
    for name, blob in files:
        if isinstance(blob, bytes):  # an embedded message object carries no bytes to read
            found.attachments.append(fitted(safe_filename(name), OCTET, blob, limit))
    return found
