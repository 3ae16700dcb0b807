"""A real SMTP server in process (aiosmtpd) that keeps what it receives, for tests.

    with SmtpServer() as smtp:
        ...send to smtp.host:smtp.port...
        assert smtp.messages[0].rcpt_tos == ["to@example.org"]
        smtp.refuse("451 4.3.0 Try again later")  # DATA refused until smtp.refuse(None)
        smtp.stop(); smtp.start()                 # an outage; the port stays the same

aiosmtpd's own handlers.Mailbox imports the standard library `mailbox`, which our package shadows:
this module uses its own handler and imports only aiosmtpd.controller.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType
from typing import Any, Literal

from aiosmtpd.controller import Controller

from tests.support.net import free_port


@dataclass(frozen=True)
class ReceivedMessage:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


class CollectingHandler:
    """aiosmtpd handler: keeps each accepted message; answers RCPT or DATA with a refusal
    when one is set for that stage."""

    def __init__(self) -> None:
        self.messages: list[ReceivedMessage] = []
        self.refusals: dict[str, str] = {}

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if "RCPT" in self.refusals:
            return self.refusals["RCPT"]
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if "DATA" in self.refusals:
            return self.refusals["DATA"]
        data = envelope.original_content or envelope.content
        self.messages.append(ReceivedMessage(envelope.mail_from, list(envelope.rcpt_tos), data))
        return "250 2.0.0 OK"


class SmtpServer:
    host = "127.0.0.1"

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.handler = CollectingHandler()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[ReceivedMessage]:
        return self.handler.messages

    @property
    def running(self) -> bool:
        return self._controller is not None

    def env(self) -> dict[str, str]:
        """Settings (docs/contract.md) that point the service at this server."""
        return {"SMTP_HOST": self.host, "SMTP_PORT": str(self.port), "SMTP_SECURITY": "none"}

    def refuse(self, reply: str | None, stage: Literal["RCPT", "DATA"] = "DATA") -> None:
        """Answer every RCPT or DATA with `reply` (e.g. "451 4.3.0 Try again later",
        "550 5.1.1 No such user"); None accepts again."""
        if reply is None:
            self.handler.refusals.pop(stage, None)
        else:
            self.handler.refusals[stage] = reply

    def start(self) -> SmtpServer:
        if self._controller is None:
            # A Controller closes its event loop when stopped, so each start needs a new one.
            controller = Controller(self.handler, hostname=self.host, port=self.port)
            controller.start()
            self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
