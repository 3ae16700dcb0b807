"""An optional virus scan on arrival: ClamAV's clamd over its socket (INSTREAM).

Set CLAMD_SOCKET to clamd's Unix socket (Debian clamav-daemon: /run/clamav/clamd.ctl) or to
host:port. The whole raw message is streamed; clamd unpacks MIME and archives itself. The
answer is kept on the message: "clean", "found: <signature>" (the message is quarantined), or
"not scanned: <why>" when clamd could not be asked. Unset, every message says "not scanned".
"""

from __future__ import annotations

import socket
import struct

CHUNK = 64 * 1024
NOT_CONFIGURED = "not scanned (no virus scanner is configured: CLAMD_SOCKET)"


def _connect(where: str, timeout: float) -> socket.socket:
    if where.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(where)
        except OSError:
            sock.close()
            raise
        return sock
    host, _, port = where.rpartition(":")
    return socket.create_connection((host, int(port)), timeout=timeout)


def scan(where: str | None, data: bytes, timeout: float = 30.0) -> str:
    """Return clamd's verdict on the bytes: "clean", "found: <signature>" or "not scanned: …"."""
    if not where:
        return NOT_CONFIGURED
    try:
        with _connect(where, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start : start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                got = sock.recv(4096)
                if not got:
                    break
                answer += got
    except (OSError, ValueError) as exc:
        return f"not scanned: the virus scanner could not be reached ({type(exc).__name__})"
    return _verdict(answer.rstrip(b"\0").decode("utf-8", "replace"))


def _verdict(answer: str) -> str:
    text = answer.split(":", 1)[-1].strip()  # "stream: OK", "stream: Eicar FOUND"
    if text == "OK":
        return "clean"
    if text.endswith("FOUND"):
        return f"found: {text[: -len('FOUND')].strip()[:200]}"
    return f"not scanned: the virus scanner answered {text[:200]!r}"
