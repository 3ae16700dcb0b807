"""Messages, mailbox settings and a faulty network for the ingestion tests, built in code."""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from imapclient import IMAPClient
from sqlmodel import col, select

from tests.mailbox.builders import (
    DOCX_TYPE,
    REFERRAL,
    answers,
    email_bytes,
    referral_docx,
    replace_member,
)
from tests.support.dovecot import DovecotServer
from workflow.models import InboundMessage, Outbox, Referral
from workflow.store.db import Database

POLICE = "Ruth Example <ruth.example@cambs.pnn.police.uk>"
FREEMAIL = "someone <someone.unknown@gmail.com>"


def referral_form(victim: str, pattern: str = "y") -> bytes:
    """A one-file MARAC referral (.docx) about the named victim."""
    details = [(label, victim if label == "Victim name" else value) for label, value in REFERRAL]
    return referral_docx(answers(pattern), referral=details)


def message(
    n: int,
    *,
    sender: str = POLICE,
    subject: str | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
    body: str = "Please find attached a referral.\n\nRuth Example\nPolice Constable",
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> bytes:
    """An RFC 822 message with its own Message-ID; by default a referral about victim n."""
    if attachments is None:
        attachments = [(f"MARAC referral {n}.docx", referral_form(f"Vera Victim{n}"), DOCX_TYPE)]
    raw = email_bytes(
        body=body,
        attachments=attachments,
        sender=sender,
        subject=subject or f"OFFICIAL-SENSITIVE: MARAC referral {n}",
        headers=headers,
    )
    return raw.replace(b"<fixture.1@example.org.uk>", (message_id or msgid(n)).encode())


def msgid(n: int) -> str:
    return f"<referral.{n}@cambs.pnn.police.uk>"


def hostile_messages() -> dict[str, bytes]:
    """Messages that must be quarantined with a reason and kept: XXE, zip bomb, big, broken."""
    form = referral_form("Hostile Victim")
    with_dtd = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<w:document>&xxe;</w:document>"
    )
    bomb = b"<w:document>" + b" " * (40 * 1024 * 1024) + b"</w:document>"
    return {
        "xxe": message(
            901,
            attachments=[
                ("x.docx", replace_member(form, "word/document.xml", with_dtd), DOCX_TYPE)
            ],
        ),
        "zip bomb": message(
            902,
            attachments=[("b.docx", replace_member(form, "word/document.xml", bomb), DOCX_TYPE)],
        ),
        "oversize": message(
            903, attachments=[("big.pdf", b"%PDF-1.4\n" + b"0" * 300_000, "application/pdf")]
        ),
        "broken MIME": (
            b"From: " + POLICE.encode() + b"\r\nMessage-ID: <broken.904@example.org>\r\n"
            b"Subject: referral\r\nContent-Type: multipart/mixed\r\n\r\n\xff\xfe garbage "
            b"--no-boundary\r\nContent-Type: application/vnd.openxmlformats\r\n\r\nPK\x03\x04"
        ),
    }


def settings(server: DovecotServer, **overrides: Any) -> dict[str, Any]:
    """poll_once settings pointing at the test Dovecot, with short timings."""
    values: dict[str, Any] = {
        **server.env(),
        "IMAP_PORT": server.port,
        "IMAP_TIMEOUT_SECONDS": 5,
        "IMAP_RETRY_DELAYS": (0.05, 0.1),
        "IMAP_BACKOFF_SECONDS": 60,
        "IMAP_LEASE_SECONDS": 60,
        "MAIL_FROM": "referrals@example-desk.org.uk",
        "MAX_ATTACHMENT_BYTES": 200_000,
    }
    values.update(overrides)
    return values


@contextmanager
def imap(server: DovecotServer) -> Iterator[IMAPClient]:
    """A logged-in client on the test Dovecot."""
    with IMAPClient(server.host, port=server.port, ssl=False, timeout=10) as client:
        client.login(server.user, server.password)
        yield client


def deliver(server: DovecotServer, *messages: bytes, folder: str = "INBOX") -> None:
    """Put messages in a folder, as the mail server would."""
    with imap(server) as client:
        if not client.folder_exists(folder):
            client.create_folder(folder)
        for raw in messages:
            client.append(folder, raw)


def folder_ids(server: DovecotServer, folder: str) -> list[str]:
    """Message-IDs of the messages in a folder (missing folder: none)."""
    with imap(server) as client:
        if not client.folder_exists(folder):
            return []
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        headers = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) if uids else {}
    found = []
    for data in headers.values():
        parsed = email.message_from_bytes(data[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"])
        found.append(str(parsed["Message-ID"]))
    return sorted(found)


def recorded(database: Database) -> list[InboundMessage]:
    with database.uow() as uow:
        return list(uow.session.exec(select(InboundMessage).order_by(col(InboundMessage.id))))


def referrals(database: Database) -> list[Referral]:
    with database.uow() as uow:
        return list(uow.session.exec(select(Referral).order_by(col(Referral.id))))


def outbox(database: Database) -> list[Outbox]:
    with database.uow() as uow:
        return list(uow.session.exec(select(Outbox).order_by(col(Outbox.id))))


class DroppingProxy:
    """A TCP relay in front of a real server that cuts the first connection after N bytes."""

    def __init__(self, upstream: tuple[str, int], drop_after: int | None) -> None:
        self.upstream = upstream
        self.drop_after = drop_after
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                downstream, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            limit = self.drop_after if self.connections == 1 else None
            upstream = socket.create_connection(self.upstream)
            threading.Thread(
                target=self._pipe, args=(downstream, upstream, None), daemon=True
            ).start()
            threading.Thread(
                target=self._pipe, args=(upstream, downstream, limit), daemon=True
            ).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket, limit: int | None) -> None:
        sent = 0
        try:
            while data := source.recv(65536):
                if limit is not None and sent + len(data) > limit:
                    target.sendall(data[: limit - sent])
                    break
                target.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for sock in (source, target):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self) -> None:
        self._listener.close()


class SilentServer:
    """Accepts TCP connections and never says a word: an IMAP server that hangs."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]

    def close(self) -> None:
        self._listener.close()
