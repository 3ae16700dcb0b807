"""Deliver the outbox over SMTP: TLS by default, retries with back-off, refusals kept with a reason.

Each message is first claimed (a conditional UPDATE, committed) so that no other sender takes it,
then handed to the server, then marked sent (committed). A crash before the hand-over leaves it
claimed until the claim expires and it is sent then: nothing is lost. A crash in the instant
between the server's "250 OK" and our commit is the one case SMTP cannot close; the message is
sent again after the claim expires with the same Message-ID, which lets a mail system drop it.
When the server is down the run stops at once and the message waits, doubling its pause each
time; a permanent refusal (5xx) marks it failed with the server's answer, shown to coordinators.
"""

from __future__ import annotations

import email.utils
import logging
import smtplib
import ssl
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select, update

from config import DEFAULTS
from workflow.models import Outbox, Referral, utcnow
from workflow.models.mail import OutboxStatus
from workflow.store.db import Database

log = logging.getLogger(__name__)

LOOPBACK = ("127.0.0.1", "localhost", "::1")
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
# Headers we set ourselves; a queued message cannot override them.
RESERVED = {"from", "to", "cc", "bcc", "subject", "date", "message-id", "content-type"}
Checkpoint = Callable[[str], None]


def _no_checkpoint(step: str) -> None:
    pass


class InsecureSmtp(Exception):
    """The settings would send the SMTP password in clear over a network."""


class ServerDown(Exception):
    """The server cannot be reached or will not talk to us: stop this run, retry later."""


@dataclass(frozen=True)
class SmtpSettings:
    """The outgoing-mail settings of docs/contract.md, plus timings tests may shorten."""

    host: str | None
    port: int | None = None
    username: str | None = None
    password: str | None = None
    security: str = DEFAULTS.smtp_security
    mail_from: str = DEFAULTS.mail_from
    timeout: float = 30.0
    # After the first failure, then doubled.
    backoff: timedelta = timedelta(seconds=DEFAULTS.smtp_backoff_seconds)
    max_backoff: timedelta = timedelta(hours=1)
    max_attempts: int = 30  # about a day of retries at the longest pause, then failed
    claim: timedelta = timedelta(minutes=10)
    batch: int = 100

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> SmtpSettings:
        """Build from the app's settings (config.load() or app.config)."""
        get = settings.get
        return cls(
            host=get("SMTP_HOST") or None,
            port=int(get("SMTP_PORT") or 0) or None,
            username=get("SMTP_USERNAME") or None,
            password=get("SMTP_PASSWORD") or None,
            security=get("SMTP_SECURITY") or cls.security,
            mail_from=get("MAIL_FROM") or cls.mail_from,
            backoff=timedelta(
                seconds=float(get("SMTP_BACKOFF_SECONDS") or cls.backoff.total_seconds())
            ),
        )

    @property
    def configured(self) -> bool:
        """Say whether sending is on (SMTP_HOST is set)."""
        return bool(self.host)


@dataclass
class SendReport:
    """What one run did, for the log, the heartbeat and `flask send-outbox`."""

    sent: int = 0
    retry_later: int = 0
    failed: int = 0
    waiting: int = 0
    skipped: str = ""
    error: str = ""
    failures: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Return the numbers as a dict for the heartbeat."""
        return {
            "sent": self.sent,
            "retry_later": self.retry_later,
            "failed": self.failed,
            "waiting": self.waiting,
        }

    def summary(self) -> str:
        """Return the one-line summary `flask send-outbox` prints."""
        if self.skipped:
            return f"send-outbox: skipped: {self.skipped}; {self.waiting} waiting"
        line = (
            f"send-outbox: {self.sent} sent, {self.retry_later} to retry, "
            f"{self.failed} failed; {self.waiting} waiting"
        )
        return f"{line}; error: {self.error}" if self.error else line


def _check(cfg: SmtpSettings) -> None:
    if cfg.security not in DEFAULT_PORTS:
        raise InsecureSmtp("SMTP_SECURITY must be ssl, starttls or none.")
    if cfg.security == "none" and cfg.password and cfg.host not in LOOPBACK:
        raise InsecureSmtp("SMTP_SECURITY=none would send the SMTP password in clear.")


@contextmanager
def connect(cfg: SmtpSettings) -> Iterator[smtplib.SMTP]:
    """Open an SMTP session with the configured TLS and sign in when an account is set."""
    _check(cfg)
    host, port = cfg.host or "", cfg.port or DEFAULT_PORTS[cfg.security]
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if cfg.security == "ssl":
            client = smtplib.SMTP_SSL(host, port, timeout=cfg.timeout, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=cfg.timeout)
    except OSError as exc:  # smtplib's errors included
        raise ServerDown(describe(exc)) from exc
    try:
        if cfg.security == "starttls":
            client.starttls(context=context)  # no STARTTLS offered: refused, never clear text
        if cfg.username:
            client.login(cfg.username, cfg.password or "")
    except OSError as exc:
        client.close()
        raise ServerDown(describe(exc)) from exc
    try:
        yield client
    finally:
        with suppress(OSError):
            client.quit()
        client.close()  # quit() leaves the socket open when the server is already gone


def describe(exc: BaseException) -> str:
    """Return a short reason for an SMTP or network failure, for the log and the outbox row."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{a}: {c} {_text(m)}" for a, (c, m) in exc.recipients.items())[:2000]
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"[:2000]
    return f"{type(exc).__name__}: {exc}"[:2000]


def _text(message: bytes | str) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else message


def _permanent(exc: smtplib.SMTPException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def message_id_for(mail: Outbox, mail_from: str) -> str:
    """Return the row's Message-ID: the one stored on it, else a new one made from the row."""
    if mail.message_id:
        return mail.message_id
    domain = mail_from.rpartition("@")[2] or "localhost"
    # Stable per row even before it is stored: a resend after a crash carries the same one.
    return f"<outbox.{mail.id}.{int(mail.created_at.timestamp())}@{domain}>"


def build_message(mail: Outbox, mail_from: str, now: datetime) -> EmailMessage:
    """Return the RFC 5322 message for an outbox row, plain text with an HTML alternative."""
    message = EmailMessage(policy=SMTP)
    message["From"] = mail_from
    message["To"] = ", ".join(mail.to)
    message["Subject"] = mail.subject
    message["Date"] = email.utils.format_datetime(now)
    message["Message-ID"] = message_id_for(mail, mail_from)
    for name, value in mail.headers.items():
        if name.lower() not in RESERVED:
            # Threading headers quote what a sender wrote: a line break in them is never ours.
            message[name] = " ".join(str(value).split())
    message.set_content(mail.body_text)
    if mail.body_html:
        message.add_alternative(mail.body_html, subtype="html")
    return message


def _due_ids(database: Database, now: datetime, limit: int) -> list[int]:
    with database.uow() as uow:
        rows = uow.session.exec(
            select(Outbox.id)
            .where(
                col(Outbox.status) == OutboxStatus.PENDING,
                col(Outbox.next_attempt_at) <= now,
            )
            .order_by(col(Outbox.id))
            .limit(limit)
        )
        return [i for i in rows if i is not None]


def _claim(database: Database, outbox_id: int, now: datetime, cfg: SmtpSettings) -> Outbox | None:
    with database.uow() as uow:
        claimed = uow.session.execute(
            update(Outbox)
            .where(
                col(Outbox.id) == outbox_id,
                col(Outbox.status) == OutboxStatus.PENDING,
                col(Outbox.next_attempt_at) <= now,
            )
            .values(next_attempt_at=now + cfg.claim, attempts=col(Outbox.attempts) + 1)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None  # another sender took it, or it is no longer due
        mail = uow.session.get(Outbox, outbox_id)
        if mail is not None and not mail.message_id:
            # Kept before the hand-over, so a reply can never arrive about an id we lack.
            mail.message_id = message_id_for(mail, cfg.mail_from)
        uow.commit()
        return mail


def _settle(database: Database, outbox_id: int, **values: Any) -> None:
    with database.uow() as uow:
        uow.session.execute(update(Outbox).where(col(Outbox.id) == outbox_id).values(**values))
        uow.commit()


def _retry_at(now: datetime, attempts: int, cfg: SmtpSettings) -> datetime:
    pause: timedelta = cfg.backoff * (2 ** max(attempts - 1, 0))
    return now + min(pause, cfg.max_backoff)


def waiting(database: Database) -> int:
    """Count the messages not yet sent and not failed."""
    with database.uow() as uow:
        count: int = uow.session.execute(
            sa.select(sa.func.count())
            .select_from(Outbox)
            .where(col(Outbox.status) == OutboxStatus.PENDING)
        ).scalar_one()
        return count


def send_pending(
    database: Database,
    settings: Mapping[str, Any] | SmtpSettings,
    *,
    now: Callable[[], datetime] = utcnow,
    checkpoint: Checkpoint = _no_checkpoint,
) -> SendReport:
    """Send what is due in the outbox once; failures are recorded on each message, not raised."""
    cfg = settings if isinstance(settings, SmtpSettings) else SmtpSettings.from_settings(settings)
    report = SendReport()
    if not cfg.configured:
        report.skipped = "SMTP_HOST is not set, so mail stays in the outbox"
    else:
        try:
            _check(cfg)  # a wrong setting is no fault of any message: none is claimed
            _send_batch(database, cfg, now, checkpoint, report)
        except (ServerDown, InsecureSmtp) as exc:
            report.error = str(exc)
            log.warning("send-outbox: %s", report.error)
    report.waiting = waiting(database)
    busy = report.sent or report.retry_later or report.failed
    log.log(logging.INFO if busy else logging.DEBUG, "%s", report.summary())
    return report


def _send_batch(
    database: Database,
    cfg: SmtpSettings,
    now: Callable[[], datetime],
    checkpoint: Checkpoint,
    report: SendReport,
) -> None:
    ids = _due_ids(database, now(), cfg.batch)
    if not ids:
        return
    with LazyClient(cfg) as session:
        for outbox_id in ids:
            mail = _claim(database, outbox_id, now(), cfg)
            if mail is None:
                continue
            checkpoint("claimed")
            _send_one(database, session, mail, cfg, now(), report)
            checkpoint("settled")


class LazyClient:
    """An SMTP session opened on first use, so a run with nothing claimable never connects."""

    def __init__(self, cfg: SmtpSettings) -> None:
        self.cfg = cfg
        self._manager: Any = None
        self._client: smtplib.SMTP | None = None

    def client(self) -> smtplib.SMTP:
        """Return the open session, connecting first if needed."""
        if self._client is None:
            self._manager = connect(self.cfg)
            self._client = self._manager.__enter__()
        return self._client

    def __enter__(self) -> LazyClient:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._manager is not None:
            self._manager.__exit__(None, None, None)


def _send_one(
    database: Database,
    session: LazyClient,
    mail: Outbox,
    cfg: SmtpSettings,
    now: datetime,
    report: SendReport,
) -> None:
    outbox_id = mail.id or 0
    try:
        built = build_message(mail, cfg.mail_from, now)
    except Exception as exc:  # it would fail the same way on every retry: never sendable
        kind = type(exc).__name__
        _fail(database, mail, f"Could not send: the message cannot be built ({kind}).", report)
        return
    try:
        refused = session.client().send_message(built, from_addr=cfg.mail_from, to_addrs=mail.to)
    except ServerDown as exc:
        _later(database, mail, cfg, now, str(exc), report)
        raise
    except smtplib.SMTPServerDisconnected as exc:
        _later(database, mail, cfg, now, describe(exc), report)
        raise ServerDown(describe(exc)) from exc
    except smtplib.SMTPException as exc:  # the server answered and refused this message
        if _permanent(exc) or mail.attempts >= cfg.max_attempts:
            _fail(database, mail, describe(exc), report)
        else:
            _later(database, mail, cfg, now, describe(exc), report)
        return
    except OSError as exc:  # smtplib's errors are OSErrors too, so this comes last
        _later(database, mail, cfg, now, describe(exc), report)
        raise ServerDown(describe(exc)) from exc
    note = "; ".join(f"{a}: {c} {_text(m)}" for a, (c, m) in refused.items())
    _settle(database, outbox_id, status=OutboxStatus.SENT, sent_at=now, last_error=note[:2000])
    report.sent += 1


def _later(
    database: Database,
    mail: Outbox,
    cfg: SmtpSettings,
    now: datetime,
    reason: str,
    report: SendReport,
) -> None:
    _settle(
        database,
        mail.id or 0,
        next_attempt_at=_retry_at(now, mail.attempts, cfg),
        last_error=reason[:2000],
    )
    report.retry_later += 1


def _fail(database: Database, mail: Outbox, reason: str, report: SendReport) -> None:
    _settle(database, mail.id or 0, status=OutboxStatus.FAILED, last_error=reason[:2000])
    report.failed += 1
    report.failures.append(f"outbox {mail.id}: {reason}")
    log.warning("send-outbox: message %s failed for good: %s", mail.id, reason)


@dataclass(frozen=True)
class FailedMail:
    """A message the server refused for good, for coordinators to act on."""

    outbox_id: int
    kind: str
    reference: str | None
    subject: str
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class OutboxState:
    """What the queue page says about outgoing mail."""

    sending_on: bool
    waiting: int
    failed: list[FailedMail]


def outbox_state(
    database: Database, settings: Mapping[str, Any] | SmtpSettings, limit: int = 50
) -> OutboxState:
    """Return whether sending is on, how much is waiting and the messages that failed for good."""
    cfg = settings if isinstance(settings, SmtpSettings) else SmtpSettings.from_settings(settings)
    with database.uow() as uow:
        rows = uow.session.execute(
            sa.select(
                col(Outbox.id),
                col(Outbox.kind),
                col(Referral.reference),
                col(Outbox.subject),
                col(Outbox.last_error),
                col(Outbox.created_at),
            )
            .outerjoin(Referral, col(Referral.id) == col(Outbox.referral_id))
            .where(col(Outbox.status) == OutboxStatus.FAILED)
            .order_by(col(Outbox.id).desc())
            .limit(limit)
        )
        failed = [FailedMail(*row) for row in rows]
    return OutboxState(cfg.configured, waiting(database), failed)
