"""The one scheduler process: mailbox polling, reminders, outbox sending, purging drafts and counts.

Every job first takes (or renews) the scheduler lease in the database; a second scheduler started
by mistake, or on another machine against the same database, finds the lease held and skips its
turn, taking over only if the holder stops renewing. Each job records a heartbeat (start, end,
counts, error) that the queue page shows, and logs the same.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlmodel import Session

import config
import logs
from mailbox.outbound import send_pending
from workflow.deadlines.reminders import ReminderSettings, send_reminders
from workflow.errors import StaleReferral
from workflow.models import utcnow
from workflow.policy import CAMBS, Policy
from workflow.store import lease, throttle
from workflow.store.db import Database
from workflow.store.retries import retried
from workflow.web_referrals import drafts

log = logging.getLogger("scheduler")
T = TypeVar("T")
DRAFT_PURGE_SECONDS = 3600.0  # drafts last hours (REFERRAL_DRAFT_HOURS): hourly is soon enough


def new_holder() -> str:
    """Name this process uniquely: host, pid and a random part (pids repeat across machines)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class Jobs:
    """The scheduler's jobs over one database, each run only while this process holds the lease."""

    database: Database
    settings: Mapping[str, Any]
    holder: str = field(default_factory=new_holder)
    lease_ttl: timedelta = timedelta(seconds=90)
    policy: Policy = CAMBS
    clock: Callable[[], datetime] = utcnow
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def _book(self, write: Callable[[Session], T]) -> T:
        # The jobs run in threads of their own; on SQLite their bookkeeping may meet a lock.
        def attempt() -> T:
            with self.database.uow() as uow:
                result = write(uow.session)
                uow.commit()
                return result

        return retried(attempt, races=(sa.exc.OperationalError, StaleReferral))

    def holds_lease(self) -> bool:
        """Take or renew the lease; say whether this process may work."""
        return self._book(
            lambda session: lease.acquire(session, self.holder, self.clock(), self.lease_ttl)
        )

    def run(self, job: str, work: Callable[[], dict[str, Any]]) -> bool:
        """Run `job` if this process holds the lease, recording its heartbeat; say if it ran."""
        if not self.holds_lease():
            self.skipped.append(job)
            log.debug("%s skipped: another scheduler holds the lease", job)
            return False
        self._book(lambda session: lease.job_started(session, job, self.holder, self.clock()))
        log.debug("%s starting", job)
        counts: dict[str, Any] = {}
        error = ""
        try:
            counts = work()
        except Exception as exc:  # the scheduler keeps running whatever one job did
            error = f"{type(exc).__name__}: {exc}"
            log.exception("%s failed", job)
        self._book(lambda session: lease.job_finished(session, job, self.clock(), counts, error))
        # An idle cycle is DEBUG: at INFO the log shows what changed, not a clock ticking.
        level = logging.INFO if error or eventful(counts) else logging.DEBUG
        log.log(level, "%s finished: %s", job, error or counts)
        self.ran.append(job)
        return True

    def poll_mailbox(self) -> None:
        """Poll the referrals mailbox once."""

        def work() -> dict[str, Any]:
            from mailbox.poller import poll_once  # written alongside; imported when first used

            report = poll_once(self.database, self.settings)
            if report.error:
                raise RuntimeError(report.error)
            return {"fetched": report.fetched, "new": report.new, "skipped": report.skipped}

        self.run("poll-mailbox", work)

    def send_reminders(self) -> None:
        """Queue the reminders, escalations and digests due now."""

        def work() -> dict[str, Any]:
            settings = ReminderSettings.from_settings(self.settings)
            return send_reminders(self.database, self.clock(), settings, self.policy).counts()

        self.run("send-reminders", work)

    def send_outbox(self) -> None:
        """Send what is due in the outbox."""

        def work() -> dict[str, Any]:
            report = send_pending(self.database, self.settings)
            counts: dict[str, Any] = report.counts()
            if report.skipped:
                counts["skipped"] = report.skipped
            if report.error:
                counts["error"] = report.error
            return counts

        self.run("send-outbox", work)

    def purge_drafts(self) -> None:
        """Delete expired referral-form drafts (victim details must not outlive their draft)."""

        def work() -> dict[str, Any]:
            # Starting a draft purges too, but a quiet week starts none: this bounds how long
            # an abandoned draft's details stay in the database.
            return {
                "purged": self._book(lambda session: drafts.purge_expired(session, self.clock()))
            }

        self.run("purge-drafts", work)

    def purge_counters(self) -> None:
        """Delete rate-limit counts no limit looks at any more (one row per client and email)."""

        def purge(session: Session) -> int:
            return throttle.purge(session, self.clock(), throttle.KEPT)

        def work() -> dict[str, Any]:
            return {"purged": self._book(purge)}

        self.run("purge-counters", work)

    def release(self) -> None:
        """Give the lease back so another scheduler can take over at once."""
        self._book(lambda session: lease.release(session, self.holder))


def eventful(counts: Mapping[str, Any]) -> bool:
    """Tell whether a job's counts say it did something (a number above zero)."""
    return any(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in counts.values())


def _seconds(settings: Mapping[str, Any], name: str) -> float:
    """A setting in seconds; unset, its default in config.Settings."""
    return float(settings.get(name) or getattr(config.DEFAULTS, name.lower()))


def add_jobs(scheduler: BaseScheduler, jobs: Jobs) -> BaseScheduler:
    """Add the jobs at their intervals, each first run at once, never two of one at a time."""
    s = jobs.settings
    every = {
        "poll-mailbox": (jobs.poll_mailbox, _seconds(s, "POLL_INTERVAL_SECONDS")),
        "send-reminders": (jobs.send_reminders, _seconds(s, "REMINDER_INTERVAL_SECONDS")),
        "send-outbox": (jobs.send_outbox, _seconds(s, "OUTBOX_INTERVAL_SECONDS")),
        "purge-drafts": (jobs.purge_drafts, DRAFT_PURGE_SECONDS),
        "purge-counters": (jobs.purge_counters, DRAFT_PURGE_SECONDS),
        # Renewing on its own keeps the lease while a long job runs.
        "lease": (jobs.holds_lease, jobs.lease_ttl.total_seconds() / 3),
    }
    start = datetime.now().astimezone()
    for name, (func, seconds) in every.items():
        scheduler.add_job(
            func,
            "interval",
            seconds=seconds,
            id=name,
            next_run_time=start,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
    return scheduler


def run_forever(
    database: Database | None = None, settings: Mapping[str, Any] | None = None
) -> None:
    """Start the scheduler and block until interrupted (from `flask run-scheduler`)."""
    if database is None or settings is None:
        from flask import current_app

        database = database or current_app.extensions["database"]
        settings = settings or current_app.config
    logs.configure(settings.get("LOG_LEVEL") or config.DEFAULTS.log_level)
    jobs = Jobs(
        database,
        settings,
        lease_ttl=timedelta(seconds=_seconds(settings, "SCHEDULER_LEASE_SECONDS")),
        policy=config.policy(settings),
    )
    scheduler = add_jobs(BlockingScheduler(timezone="Europe/London"), jobs)
    log.info("scheduler %s starting with %d jobs", jobs.holder, len(scheduler.get_jobs()))
    # systemd stops with SIGTERM: end like Ctrl-C, so the lease is given back at once.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        # Let a running job finish before the lease goes, or a successor could start it twice.
        scheduler.shutdown(wait=True)
        log.info("scheduler stopped")
    finally:
        jobs.release()
