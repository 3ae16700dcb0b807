"""Poll the referrals mailbox over IMAP: each message stored and committed, settled, then moved.

One cycle (`poll_once`): connect (TLS unless told otherwise), select the folder, note its
UIDVALIDITY, list its messages by UID, and for each batch: fetch the new ones with BODY.PEEK[]
(leaving them unseen), store each raw message with its attachments and COMMIT, settle each one,
then MOVE it to Processed or Quarantine. Mail is never deleted. Whatever step a crash interrupts,
the next cycle finds the message either unrecorded (fetch again), recorded but pending (settle
it), or settled but not moved (move it): each message is recorded exactly once.

IMAP and network failures are logged, retried within the cycle with back-off, and recorded in
workflow.inbound.mailbox_health, which spaces later cycles out exponentially while the mailbox is
down.
"""

from __future__ import annotations

import imaplib
import logging
import os
import socket
import ssl
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from config import DEFAULTS
from mailbox.ingest import IngestConfig, arrival, process, store
from workflow.actors import Actor
from workflow.inbound import mailbox_health
from workflow.inbound.arrival import Arrival, known_uids, left_pending
from workflow.models import utcnow
from workflow.models.mail import Disposition
from workflow.store.db import Database

log = logging.getLogger(__name__)

POLLER = Actor.system("poller")
# What a mailbox that is down, slow or refusing us raises; anything else is a bug, also recorded.
IMAP_ERRORS = (imaplib.IMAP4.error, OSError, socket.timeout, ssl.SSLError, EOFError)
# Points in a cycle where a test may simulate a crash (see tests/ingest/test_exactly_once.py).
STEPS = ("fetched", "stored", "processed", "before_move", "moved")

Checkpoint = Callable[[str], None]
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# A message pending this long was dropped half-way (not being read right now by someone else).
LEFTOVER_AGE = timedelta(minutes=10)


# A message over this size is never fetched: it goes to quarantine unread, its size recorded.
DEFAULT_MAX_MESSAGE_BYTES = DEFAULTS.imap_max_message_bytes
RETRY_DELAYS = (2.0, 10.0)  # seconds; a test knob (IMAP_RETRY_DELAYS), not a setting
# Bodies are fetched a few at a time so one batch never holds more than this in memory.
FETCH_BYTES = 64 * 1024 * 1024
# Enough of a too-large message's header to say who sent it and what it is.
HEADER_BYTES = 16 * 1024


class InsecureMailbox(Exception):
    """The settings would send the mailbox password in clear over a network."""


def _no_checkpoint(step: str) -> None:
    pass


@dataclass(frozen=True)
class MailboxSettings:
    """The mailbox settings of docs/contract.md, plus timings tests may shorten."""

    host: str | None
    username: str | None = None
    password: str | None = None
    port: int | None = None
    security: str = DEFAULTS.imap_security
    folder: str = DEFAULTS.imap_folder
    processed_folder: str = DEFAULTS.imap_processed_folder
    quarantine_folder: str = DEFAULTS.imap_quarantine_folder
    timeout: float = DEFAULTS.imap_timeout_seconds
    retry_delays: tuple[float, ...] = RETRY_DELAYS  # in-cycle retries after a dropped connection
    # The first pause between failed cycles, then doubled.
    backoff: timedelta = timedelta(seconds=DEFAULTS.imap_backoff_seconds)
    lease: timedelta = timedelta(seconds=DEFAULTS.imap_lease_seconds)
    batch: int = DEFAULTS.imap_batch
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    ingest: IngestConfig = field(default_factory=IngestConfig)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> MailboxSettings:
        """Build from the app's settings (config.load() or app.config)."""
        get = settings.get
        return cls(
            host=get("IMAP_HOST") or None,
            username=get("IMAP_USERNAME"),
            password=get("IMAP_PASSWORD"),
            port=int(get("IMAP_PORT") or 0) or None,
            security=get("IMAP_SECURITY") or cls.security,
            folder=get("IMAP_FOLDER") or cls.folder,
            processed_folder=get("IMAP_PROCESSED_FOLDER") or cls.processed_folder,
            quarantine_folder=get("IMAP_QUARANTINE_FOLDER") or cls.quarantine_folder,
            timeout=float(get("IMAP_TIMEOUT_SECONDS") or cls.timeout),
            retry_delays=tuple(_given(get("IMAP_RETRY_DELAYS"), RETRY_DELAYS)),
            backoff=timedelta(
                seconds=float(get("IMAP_BACKOFF_SECONDS") or cls.backoff.total_seconds())
            ),
            lease=timedelta(seconds=float(get("IMAP_LEASE_SECONDS") or cls.lease.total_seconds())),
            batch=int(get("IMAP_BATCH") or cls.batch),
            max_message_bytes=int(get("IMAP_MAX_MESSAGE_BYTES") or DEFAULT_MAX_MESSAGE_BYTES),
            ingest=IngestConfig.from_settings(settings),
        )

    @property
    def configured(self) -> bool:
        """Say whether polling is on (a host and an account are set)."""
        return bool(self.host and self.username)


def _given(value: Any, default: Any) -> Any:
    return default if value is None else value


@dataclass
class PollReport:
    """What one cycle did, for the log, the command's summary line and the tests."""

    fetched: int = 0
    new: int = 0
    moved: int = 0
    left: int | None = None  # still in the folder at the end; None: not known (the cycle failed)
    dispositions: Counter[str] = field(default_factory=Counter)
    uidvalidity_changed: bool = False
    error: str = ""
    skipped: str = ""
    # Each message is counted once, however often a reconnect makes the cycle meet it again.
    _fetched: set[tuple[int, int]] = field(default_factory=set, repr=False)
    _settled: set[int] = field(default_factory=set, repr=False)

    def count_fetched(self, uidvalidity: int, uid: int, created: bool) -> None:
        """Count a message fetched from the server (and whether it was new) once."""
        if (uidvalidity, uid) not in self._fetched:
            self._fetched.add((uidvalidity, uid))
            self.fetched += 1
        self.new += created

    def count_settled(self, message_id: int, disposition: str) -> None:
        """Count what a stored message became, once per message."""
        if message_id not in self._settled:
            self._settled.add(message_id)
            self.dispositions[disposition] += 1

    def summary(self) -> str:
        """Return the one-line summary `flask poll-mailbox` prints."""
        if self.skipped:
            return f"poll-mailbox: skipped: {self.skipped}"
        settled = ", ".join(f"{n} {d}" for d, n in sorted(self.dispositions.items())) or "none"
        left = (
            "what is left in the mailbox is not known"
            if self.left is None
            else f"{self.left} left in the mailbox"
        )
        line = (
            f"poll-mailbox: {self.fetched} fetched, {self.new} new, settled: {settled}; "
            f"{self.moved} moved, {left}"
        )
        return f"{line}; error: {self.error}" if self.error else line


def poll_once(
    database: Database,
    settings: Mapping[str, Any] | MailboxSettings,
    *,
    checkpoint: Checkpoint = _no_checkpoint,
) -> PollReport:
    """Run one polling cycle; failures are logged and recorded in mailbox health, not raised."""
    cfg = (
        settings
        if isinstance(settings, MailboxSettings)
        else MailboxSettings.from_settings(settings)
    )
    report = PollReport()
    if not cfg.configured:
        report.skipped = "polling is off (IMAP_HOST or IMAP_USERNAME is not set)"
        return report
    try:
        with database.uow() as uow:
            report.skipped = (
                mailbox_health.claim_cycle(uow.session, utcnow(), cfg.lease, OWNER, holder_dead)
                or ""
            )
            uow.commit()
    except Exception as exc:  # nothing can be stored: leave the mail where it is
        report.error = f"The database is unavailable ({type(exc).__name__})."
        log.error("mailbox poll not started: %s", report.error)
        return report
    if report.skipped:
        log.debug("mailbox poll skipped: %s", report.skipped)
        return report
    log.debug("mailbox poll starting: %s on %s", cfg.folder, cfg.host)
    try:
        _cycle_with_retries(database, cfg, report, checkpoint)
        _settle_leftovers(database, cfg, report)
    except Exception as exc:  # the scheduler keeps running whatever happened
        report.error = describe(exc)
        log.warning("mailbox poll failed: %s", report.error)
        with database.uow() as uow:
            retry = mailbox_health.record_failure(uow.session, utcnow(), report.error, cfg.backoff)
            uow.commit()
        log.info("mailbox: next attempt not before %s", retry.isoformat(timespec="seconds"))
        return report
    except BaseException:
        _release(database)  # a process that lives on gives the lease back at once
        raise
    with database.uow() as uow:
        mailbox_health.record_success(uow.session, utcnow(), report.left or 0)
        uow.commit()
    log.log(logging.INFO if report.fetched else logging.DEBUG, "%s", report.summary())
    return report


# This process as a lease holder: a cycle killed mid-run (kill -9, OOM, power) leaves its lease
# behind; the next cycle on the same host sees that process is gone and takes the lease at once.
OWNER = f"{socket.gethostname()}:{os.getpid()}"


def holder_dead(owner: str) -> bool:
    """Say whether the lease holder is a process on this host that no longer runs."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False  # another machine's process, or this one (a cycle still running here)
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists (another user's process): alive
        return False
    return False


def _settle_leftovers(database: Database, cfg: MailboxSettings, report: PollReport) -> None:
    """Settle messages stored by an earlier cycle, an upload or a command that died half-way."""
    with database.uow() as uow:
        waiting = left_pending(uow.session, utcnow() - LEFTOVER_AGE)
    renewed = time.monotonic()
    for message_id in waiting:
        settled = process(database, message_id, cfg.ingest, POLLER)
        renewed = _keep_lease(database, cfg, renewed)
        if settled.disposition is not Disposition.PENDING:
            report.count_settled(message_id, settled.disposition.value)


def _keep_lease(database: Database, cfg: MailboxSettings, renewed: float) -> float:
    """Renew the poll lease once a third of it has passed since `renewed`; return when it was
    last renewed. Reading one message may take up to PARSE_TIMEOUT_SECONDS, so a batch of slow
    messages could otherwise outlast the lease and let a second cycle start beside this one."""
    if time.monotonic() - renewed < cfg.lease.total_seconds() / 3:
        return renewed  # renewed recently enough: no extra write per message
    with database.uow() as uow:
        mailbox_health.renew_lease(uow.session, utcnow(), cfg.lease)
        uow.commit()
    return time.monotonic()


def _release(database: Database) -> None:
    with suppress(Exception), database.uow() as uow:
        mailbox_health.release(uow.session)
        uow.commit()


def describe(exc: BaseException) -> str:
    """Describe an IMAP or network failure for the coordinator, without any message content."""
    if isinstance(exc, InsecureMailbox):
        return str(exc)
    if isinstance(exc, LoginError):
        return "The mailbox refused the login: check IMAP_USERNAME and IMAP_PASSWORD."
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "The mailbox did not answer in time."
    if isinstance(exc, ssl.SSLError):
        return f"The TLS connection to the mailbox failed ({exc.__class__.__name__})."
    if isinstance(exc, ConnectionRefusedError):
        return "The mailbox refused the connection."
    if isinstance(exc, (OSError, EOFError, imaplib.IMAP4.abort)):
        return f"The connection to the mailbox was lost ({exc.__class__.__name__})."
    if isinstance(exc, imaplib.IMAP4.error):
        return f"The mailbox answered with an error: {str(exc)[:200]}"
    return f"Polling failed: {exc.__class__.__name__}"


def _cycle_with_retries(
    database: Database, cfg: MailboxSettings, report: PollReport, checkpoint: Checkpoint
) -> None:
    """Run the cycle; a dropped or refused connection is retried after a growing pause."""
    delays = list(cfg.retry_delays)
    while True:
        try:
            with connect(cfg) as client:
                _drain(client, database, cfg, report, checkpoint)
            return
        except LoginError:
            raise  # retrying a refused login at once could lock the account: back off instead
        except IMAP_ERRORS as exc:
            if not delays:
                raise
            delay = delays.pop(0)
            log.warning("mailbox: %s Retrying in %.1f s.", describe(exc), delay)
            time.sleep(delay)


@contextmanager
def connect(cfg: MailboxSettings) -> Iterator[IMAPClient]:
    """Open an authenticated IMAP connection: TLS by default, STARTTLS, or plain on loopback."""
    if cfg.security not in ("ssl", "starttls") and cfg.host not in LOOPBACK:
        raise InsecureMailbox("IMAP_SECURITY=none is allowed only for a loopback host.")
    context = ssl.create_default_context()
    if cfg.security == "ssl":
        client = IMAPClient(
            cfg.host or "", port=cfg.port or 993, ssl=True, ssl_context=context, timeout=cfg.timeout
        )
    else:
        client = IMAPClient(cfg.host or "", port=cfg.port or 143, ssl=False, timeout=cfg.timeout)
        if cfg.security == "starttls":
            client.starttls(context)
    try:
        client.login(cfg.username or "", cfg.password or "")
        yield client
    finally:
        try:
            client.logout()
        except Exception:  # the connection may already be gone: just close the socket
            with suppress(Exception):
                client.shutdown()


def _drain(
    client: IMAPClient,
    database: Database,
    cfg: MailboxSettings,
    report: PollReport,
    checkpoint: Checkpoint,
) -> None:
    """Read every message in the folder, batch by batch, and move each one out of it."""
    for folder in (cfg.processed_folder, cfg.quarantine_folder):
        if not client.folder_exists(folder):
            client.create_folder(folder)
    selected = client.select_folder(cfg.folder)
    uidvalidity = int(selected[b"UIDVALIDITY"])
    with database.uow() as uow:
        previous = mailbox_health.see_folder(uow.session, cfg.folder, uidvalidity)
        uow.commit()
    if previous is not None:
        report.uidvalidity_changed = True
        log.warning(
            "mailbox: UIDVALIDITY of %s changed (%s -> %s): reading the folder again; "
            "messages already recorded are recognised by Message-ID and content hash",
            cfg.folder,
            previous,
            uidvalidity,
        )
    uids = sorted(int(u) for u in client.search(["NOT", "DELETED"]))
    _note_waiting(database, len(uids))
    for start in range(0, len(uids), cfg.batch):
        batch = uids[start : start + cfg.batch]
        _batch(client, database, cfg, uidvalidity, batch, report, checkpoint)
        with database.uow() as uow:
            mailbox_health.renew_lease(uow.session, utcnow(), cfg.lease)
            mailbox_health.note_last_uid(uow.session, cfg.folder, batch[-1])
            mailbox_health.note_waiting(uow.session, len(uids) - start - len(batch))
            uow.commit()
    # What arrived during the cycle waits for the next one.
    report.left = len(client.search(["NOT", "DELETED"]))


def _note_waiting(database: Database, unread: int) -> None:
    with database.uow() as uow:
        mailbox_health.note_waiting(uow.session, unread)
        uow.commit()


def _batch(
    client: IMAPClient,
    database: Database,
    cfg: MailboxSettings,
    uidvalidity: int,
    uids: list[int],
    report: PollReport,
    checkpoint: Checkpoint,
) -> None:
    with database.uow() as uow:
        known = known_uids(uow.session, cfg.folder, uidvalidity, uids)
    new = [u for u in uids if u not in known]
    if new:
        sizes = _sizes(client, new)
        too_large = [u for u in new if sizes.get(u, 0) > cfg.max_message_bytes]
        for uid in too_large:
            found = _unfetched(client, cfg, uidvalidity, uid, sizes[uid])
            known[uid], created = store(database, found)
            report.count_fetched(uidvalidity, uid, created)
        for group in _groups([u for u in new if u not in too_large], sizes):
            _fetch_and_store(client, database, cfg, uidvalidity, group, known, report, checkpoint)
        checkpoint("stored")
    destinations: dict[str, list[int]] = {}
    renewed = time.monotonic()  # the last batch ended with a renewal, a fetch ago
    for uid in uids:
        if uid not in known:
            continue
        settled = process(database, known[uid], cfg.ingest, POLLER)
        renewed = _keep_lease(database, cfg, renewed)
        if settled.disposition is Disposition.PENDING:
            continue  # a passing database failure: it stays in the folder for the next cycle
        report.count_settled(known[uid], settled.disposition.value)
        folder = (
            cfg.quarantine_folder
            if settled.disposition is Disposition.QUARANTINE
            else cfg.processed_folder
        )
        destinations.setdefault(folder, []).append(uid)
    checkpoint("processed")
    for folder, moving in destinations.items():
        checkpoint("before_move")
        _move(client, moving, folder)
        report.moved += len(moving)
        checkpoint("moved")


def _sizes(client: IMAPClient, uids: list[int]) -> dict[int, int]:
    """Each message's size as the server gives it (RFC822.SIZE), before any body is fetched."""
    answer = client.fetch(uids, ["RFC822.SIZE"])
    return {uid: int(data.get(b"RFC822.SIZE") or 0) for uid, data in answer.items()}


def _groups(uids: list[int], sizes: dict[int, int]) -> Iterator[list[int]]:
    """Split the UIDs so that the bodies fetched at once stay under FETCH_BYTES together."""
    group: list[int] = []
    total = 0
    for uid in uids:
        if group and total + sizes.get(uid, 0) > FETCH_BYTES:
            yield group
            group, total = [], 0
        group.append(uid)
        total += sizes.get(uid, 0)
    if group:
        yield group


def _unfetched(
    client: IMAPClient, cfg: MailboxSettings, uidvalidity: int, uid: int, size: int
) -> Arrival:
    """A message too large to fetch: its header only, its size, and why it was not read."""
    part = f"BODY.PEEK[HEADER]<0.{HEADER_BYTES}>"
    answer = client.fetch([uid], [part]).get(uid, {})
    header = next((bytes(v) for k, v in answer.items() if k.startswith(b"BODY[HEADER]")), b"")
    found = arrival(
        header, cfg.ingest, channel="imap", folder=cfg.folder, uidvalidity=uidvalidity, uid=uid
    )
    why = (
        f"Too large to fetch: {size:,} bytes, over the limit of {cfg.max_message_bytes:,} "
        "(IMAP_MAX_MESSAGE_BYTES). Only its header was read; the whole message is in the "
        "mailbox's quarantine folder."
    )
    return replace(found, problem=why, size=size, files=())


def _fetch_and_store(
    client: IMAPClient,
    database: Database,
    cfg: MailboxSettings,
    uidvalidity: int,
    uids: list[int],
    known: dict[int, int],
    report: PollReport,
    checkpoint: Checkpoint,
) -> None:
    fetched = client.fetch(uids, ["BODY.PEEK[]"])
    checkpoint("fetched")
    for uid in uids:
        data = fetched.get(uid, {}).get(b"BODY[]")
        if data is None:
            continue  # expunged by someone else since the search
        found = arrival(
            bytes(data),
            cfg.ingest,
            channel="imap",
            folder=cfg.folder,
            uidvalidity=uidvalidity,
            uid=uid,
        )
        known[uid], created = store(database, found)
        report.count_fetched(uidvalidity, uid, created)


def _move(client: IMAPClient, uids: list[int], folder: str) -> None:
    """MOVE the messages; without MOVE, COPY then expunge exactly those UIDs (never delete)."""
    capabilities = set(client.capabilities())
    if b"MOVE" in capabilities:
        client.move(uids, folder)
        return
    client.copy(uids, folder)
    client.delete_messages(uids)  # flagged \Deleted: the search skips them from now on
    if b"UIDPLUS" in capabilities:
        client.uid_expunge(uids)  # exactly these UIDs, never anyone else's flagged mail
