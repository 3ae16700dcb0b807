"""A small stand-in for clamd (INSTREAM over a Unix socket): the real clamd has no signatures
offline. It answers FOUND for the EICAR test string, OK for anything else, and counts scans."""

from __future__ import annotations

import email
import socket
import struct
import tempfile
import threading
from pathlib import Path
from types import TracebackType

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _carries_eicar(data: bytes) -> bool:
    """As clamd does, look inside the message's MIME parts, decoded, too."""
    if EICAR in data:
        return True
    parts = email.message_from_bytes(data).walk()
    return any(EICAR in (part.get_payload(decode=True) or b"") for part in parts)


class FakeClamd:
    def __init__(self) -> None:
        self.path = str(Path(tempfile.mkdtemp(prefix="clamd-")) / "clamd.ctl")
        self.scans = 0
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(self.path)
        self._server.listen()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            with conn:
                self._answer(conn)

    def _answer(self, conn: socket.socket) -> None:
        stream = conn.makefile("rb")
        if stream.read(10) != b"zINSTREAM\0":
            conn.sendall(b"UNKNOWN COMMAND\0")
            return
        data = b""
        while size := struct.unpack("!L", stream.read(4))[0]:
            data += stream.read(size)
        self.scans += 1
        found = b"stream: Eicar-Test-Signature FOUND\0"
        conn.sendall(found if _carries_eicar(data) else b"stream: OK\0")

    def close(self) -> None:
        self._server.close()

    def __enter__(self) -> FakeClamd:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
