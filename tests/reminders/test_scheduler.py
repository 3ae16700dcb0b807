"""One scheduler at a time: the lease, two schedulers started together, heartbeats, commands."""

import threading
import time
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlmodel import select

from scheduler import Jobs, add_jobs
from tests.factories import make_user
from tests.reminders.clock import london, queued, referral_received
from tests.support.smtp import SmtpServer
from workflow.models import utcnow
from workflow.models.drafts import ReferralDraft
from workflow.models.referral import Pathway
from workflow.models.staff import Role
from workflow.models.throttle import Throttle
from workflow.store import lease, outbox, throttle
from workflow.store.db import Database
from workflow.web_referrals import drafts


def test_the_lease_is_held_by_one_until_it_expires(database: Database) -> None:
    start = utcnow()
    ttl = timedelta(seconds=90)
    with database.uow() as uow:
        session = uow.session
        assert lease.acquire(session, "a", start, ttl)
        assert not lease.acquire(session, "b", start + timedelta(seconds=10), ttl)
        assert lease.acquire(session, "a", start + timedelta(seconds=60), ttl)  # renewed
        assert not lease.acquire(session, "b", start + timedelta(seconds=120), ttl)
        assert lease.acquire(session, "b", start + timedelta(seconds=151), ttl)  # a went silent
        assert lease.holder_of(session, start + timedelta(seconds=152)) == "b"
        lease.release(session, "b")
        assert lease.holder_of(session, start + timedelta(seconds=153)) is None
        uow.commit()


def test_two_schedulers_started_together_do_only_one_s_work(
    committed_database: Database, smtp_server: SmtpServer
) -> None:
    with committed_database.uow() as uow:
        for n in range(20):
            outbox.enqueue(
                uow.session,
                kind="reminder",
                to=["ivy@desk.example.org"],
                subject=f"Message {n}",
                body_text="Body",
                dedupe_key=f"test:{n}",
            )
        uow.commit()
    settings = {**smtp_server.env(), "OUTBOX_INTERVAL_SECONDS": 0.2, "BASE_URL": "https://x"}
    both = [Jobs(committed_database, settings, holder=name) for name in ("first", "second")]
    schedulers = [add_jobs(BackgroundScheduler(timezone="Europe/London"), jobs) for jobs in both]
    go = threading.Barrier(2)

    def start(scheduler: BackgroundScheduler) -> None:
        go.wait()
        scheduler.start()

    starters = [threading.Thread(target=start, args=(s,)) for s in schedulers]
    for thread in starters:
        thread.start()
    for thread in starters:
        thread.join()
    deadline = time.monotonic() + 15
    while len(smtp_server.messages) < 20 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # a few more rounds of every job
    for scheduler in schedulers:
        scheduler.shutdown(wait=True)

    subjects = sorted(m.message["Subject"] for m in smtp_server.messages)
    assert subjects == sorted(f"Message {n}" for n in range(20))  # each exactly once
    winners = [jobs for jobs in both if jobs.ran]
    assert len(winners) == 1
    loser = next(jobs for jobs in both if jobs is not winners[0])
    assert "send-outbox" in loser.skipped
    with committed_database.uow() as uow:
        runs = lease.last_runs(uow.session)
    assert set(runs) == {
        "poll-mailbox",
        "send-reminders",
        "send-outbox",
        "purge-drafts",
        "purge-counters",
    }
    assert {run.holder for run in runs.values()} == {winners[0].holder}
    assert runs["send-outbox"].finished_at is not None and runs["send-outbox"].ok
    assert runs["poll-mailbox"].counts["skipped"]  # IMAP is not set in this test


def test_a_failing_job_records_its_error_and_the_scheduler_goes_on(database: Database) -> None:
    jobs = Jobs(database, {}, holder="only")

    def broken() -> dict[str, int]:
        raise ValueError("boom")

    assert jobs.run("send-reminders", broken)
    assert jobs.run("send-outbox", lambda: {"sent": 2})
    with database.uow() as uow:
        runs = lease.last_runs(uow.session)
    assert not runs["send-reminders"].ok and runs["send-reminders"].error == "ValueError: boom"
    assert runs["send-outbox"].ok and runs["send-outbox"].counts == {"sent": 2}
    assert runs["send-outbox"].started_at <= runs["send-outbox"].finished_at  # type: ignore[operator]


def test_send_reminders_command_runs_as_of_the_given_instant_once(
    app: Flask, database: Database
) -> None:
    make_user(database, Role.COORDINATOR, "cara@desk.example.org")
    referral_received(database, london(2026, 11, 27, 15, 0))
    runner = app.test_cli_runner()
    early = runner.invoke(args=["send-reminders", "--now", "2026-11-30T14:59:00+00:00"])
    assert early.exit_code == 0, early.output
    assert "0 reminders" in early.output
    result = runner.invoke(args=["send-reminders", "--now", "2026-11-30T15:30"])  # London time
    assert "1 reminders" in result.output
    again = runner.invoke(args=["send-reminders", "--now", "2026-11-30T15:30"])
    assert "0 reminders" in again.output and "0 digests" in again.output
    assert len(queued(database, "reminder")) == 1
    with database.uow() as uow:
        run = lease.last_runs(uow.session)["send-reminders"]
    assert run.holder == "flask send-reminders" and run.counts["reminders"] == 0 and run.ok
    bad = runner.invoke(args=["send-reminders", "--now", "next tuesday"])
    assert bad.exit_code != 0 and "ISO-8601" in bad.output


def test_send_outbox_command_says_when_smtp_is_unset(app: Flask, database: Database) -> None:
    app.config["SMTP_HOST"] = None
    result = app.test_cli_runner().invoke(args=["send-outbox"])
    assert result.exit_code == 0 and "SMTP_HOST is not set" in result.output


def test_expired_drafts_are_purged_by_the_job_holding_the_lease(database: Database) -> None:
    with database.uow() as uow:
        drafts.start(uow.session, Pathway.MARAC, timedelta(hours=48))
        drafts.start(uow.session, Pathway.STALKING_IDVA, timedelta(hours=1))
        uow.commit()
    later = utcnow() + timedelta(hours=2)  # the second has expired, and no one starts a draft
    holder = Jobs(database, {}, holder="holder", clock=lambda: later)
    other = Jobs(database, {}, holder="other", clock=lambda: later)
    holder.purge_drafts()
    other.purge_drafts()
    assert holder.ran == ["purge-drafts"] and other.skipped == ["purge-drafts"]
    with database.uow() as uow:
        left = uow.session.exec(select(ReferralDraft.pathway)).all()
        run = lease.last_runs(uow.session)["purge-drafts"]
    assert left == [Pathway.MARAC]
    assert run.ok and run.holder == "holder" and run.counts == {"purged": 1}


def test_old_rate_limit_counts_are_purged_by_the_job_holding_the_lease(database: Database) -> None:
    now = utcnow()
    with database.uow() as uow:
        throttle.allow(uow.session, "login:203.0.113.9", 20, timedelta(minutes=15), now)
        throttle.allow(uow.session, "login:198.51.100.1", 20, timedelta(minutes=15), now)
        uow.commit()
    with database.uow() as uow:
        throttle.allow(
            uow.session, "login:198.51.100.1", 20, timedelta(minutes=15), now + throttle.KEPT
        )
        uow.commit()
    later = now + throttle.KEPT + timedelta(minutes=1)
    holder = Jobs(database, {}, holder="holder", clock=lambda: later)
    holder.purge_counters()
    with database.uow() as uow:
        left = uow.session.exec(select(Throttle.key)).all()
        run = lease.last_runs(uow.session)["purge-counters"]
    assert left == ["login:198.51.100.1"]  # the one still in use stays
    assert run.ok and run.counts == {"purged": 1}
