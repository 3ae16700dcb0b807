"""Sending the outbox to a real SMTP server: outages, refusals, crashes, and SMTP unset."""

from datetime import timedelta

import pytest

from mailbox.outbound import SmtpSettings, outbox_state, send_pending
from tests.factories import make_user
from tests.reminders.clock import deliver, london, queued, referral_received, run_job
from tests.reminders.clock import smtp_settings as settings_for
from tests.support.smtp import SmtpServer
from workflow.models import utcnow
from workflow.models.mail import OutboxStatus
from workflow.models.staff import Role
from workflow.store import outbox
from workflow.store.db import Database


class Crash(BaseException):
    """The process dies here (not an Exception: nothing in the code may catch it)."""


def queue_mail(database: Database, count: int) -> None:
    with database.uow() as uow:
        for n in range(count):
            outbox.enqueue(
                uow.session,
                kind="reminder",
                to=[f"idva{n}@desk.example.org"],
                subject=f"Message {n}",
                body_text=f"Body {n}",
                body_html=f"<p>Body {n}</p>",
                dedupe_key=f"test:{n}",
            )
        uow.commit()


def test_an_smtp_outage_mid_run_loses_nothing_and_sends_nothing_twice(
    database: Database, smtp_server: SmtpServer
) -> None:
    queue_mail(database, 3)
    cfg = settings_for(smtp_server, backoff=timedelta(seconds=60))

    def outage_after_first(step: str) -> None:
        if step == "settled" and smtp_server.running:
            smtp_server.stop()

    report = send_pending(database, cfg, checkpoint=outage_after_first)
    assert (report.sent, report.retry_later, report.waiting) == (1, 1, 2)
    assert report.error
    rows = queued(database)
    assert [r.status for r in rows] == [
        OutboxStatus.SENT,
        OutboxStatus.PENDING,
        OutboxStatus.PENDING,
    ]
    assert rows[1].attempts == 1 and rows[1].last_error
    assert rows[2].attempts == 0  # never tried: the run stopped at the outage

    smtp_server.start()
    assert send_pending(database, cfg).sent == 1  # the third; the second waits out its back-off
    later = lambda: utcnow() + timedelta(seconds=61)  # noqa: E731
    assert send_pending(database, cfg, now=later).sent == 1
    assert sorted(m.message["Subject"] for m in smtp_server.messages) == [
        "Message 0",
        "Message 1",
        "Message 2",
    ]
    assert send_pending(database, cfg, now=later).sent == 0


def test_a_temporary_refusal_backs_off_and_a_permanent_one_is_kept_with_the_reason(
    database: Database, smtp_server: SmtpServer
) -> None:
    queue_mail(database, 1)
    cfg = settings_for(smtp_server, backoff=timedelta(seconds=60))
    smtp_server.refuse("451 4.3.0 Try again later")
    start = utcnow()
    send_pending(database, cfg, now=lambda: start)
    send_pending(database, cfg, now=lambda: start + timedelta(seconds=61))
    row = queued(database)[0]
    assert row.status is OutboxStatus.PENDING and row.attempts == 2
    assert row.next_attempt_at == start + timedelta(seconds=61 + 120)  # doubled
    assert "451" in row.last_error

    smtp_server.refuse(None)
    smtp_server.refuse("550 5.1.1 No such user", stage="RCPT")
    report = send_pending(database, cfg, now=lambda: start + timedelta(hours=1))
    assert report.failed == 1
    row = queued(database)[0]
    assert row.status is OutboxStatus.FAILED and "550 5.1.1 No such user" in row.last_error
    state = outbox_state(database, cfg)
    assert state.sending_on and state.waiting == 0
    assert [f.reason for f in state.failed] == [row.last_error]
    assert smtp_server.messages == []


def test_a_crash_between_queueing_and_sending_sends_exactly_once(
    database: Database, smtp_server: SmtpServer
) -> None:
    make_user(database, Role.COORDINATOR, "cara@desk.example.org")
    referral = referral_received(database, london(2026, 11, 27, 15, 0))
    run_job(database, london(2026, 11, 30, 15, 30))  # queued and committed; then the crash
    cfg = settings_for(smtp_server, claim=timedelta(minutes=10))

    def crash(step: str) -> None:
        raise Crash(step)

    with pytest.raises(Crash):  # dies after claiming the first message, before handing it over
        send_pending(database, cfg, checkpoint=crash)
    assert smtp_server.messages == []
    assert send_pending(database, cfg).sent == 1  # the other (the digest) goes; the claim holds
    later = lambda: utcnow() + timedelta(minutes=11)  # noqa: E731
    assert send_pending(database, cfg, now=later).sent == 1  # the claim expired: sent now
    assert send_pending(database, cfg, now=later).sent == 0
    subjects = [m.message["Subject"] for m in smtp_server.messages]
    assert subjects.count(f"Overdue: consent check for referral {referral.reference}") == 1
    assert len(subjects) == 2
    # The job running again after the crash queues nothing more.
    assert run_job(database, london(2026, 11, 30, 15, 45)).reminders == 0


def test_with_smtp_unset_mail_stays_in_the_outbox(database: Database) -> None:
    queue_mail(database, 2)
    report = send_pending(database, SmtpSettings(host=None))
    assert report.skipped and report.waiting == 2
    assert "SMTP_HOST is not set" in report.summary()
    state = outbox_state(database, {})
    assert not state.sending_on and state.waiting == 2


def test_a_password_is_never_sent_in_clear_to_a_remote_server(database: Database) -> None:
    queue_mail(database, 1)
    cfg = SmtpSettings(host="smtp.example.org", security="none", username="u", password="p")
    report = send_pending(database, cfg)
    assert "in clear" in report.error and report.sent == 0
    assert queued(database)[0].attempts == 0


def test_deliver_helper_reports_only_this_run(database: Database, smtp_server: SmtpServer) -> None:
    queue_mail(database, 2)
    assert len(deliver(database, smtp_server)) == 2
    assert deliver(database, smtp_server) == []


def test_starttls_is_the_default_and_never_falls_back_to_clear_text(
    database: Database, smtp_server: SmtpServer
) -> None:
    queue_mail(database, 1)
    cfg = SmtpSettings.from_settings({"SMTP_HOST": smtp_server.host, "SMTP_PORT": smtp_server.port})
    assert cfg.security == "starttls"
    report = send_pending(database, cfg)  # this test server offers no STARTTLS
    assert report.sent == 0 and report.error and smtp_server.messages == []
    row = queued(database)[0]
    assert row.status is OutboxStatus.PENDING and "STARTTLS" in row.last_error.upper()


def test_each_mail_keeps_the_message_id_it_went_out_with_across_a_retry(
    database: Database, smtp_server: SmtpServer
) -> None:
    queue_mail(database, 2)
    assert [row.message_id for row in queued(database)] == ["", ""]
    cfg = settings_for(smtp_server, backoff=timedelta(seconds=60))
    smtp_server.refuse("451 4.3.0 Try again later")
    start = utcnow()
    send_pending(database, cfg, now=lambda: start)
    refused = {row.id: row.message_id for row in queued(database)}
    assert all(
        m.startswith("<outbox.") and m.endswith("@desk.example.org>") for m in refused.values()
    )
    assert len(set(refused.values())) == 2  # one per mail
    smtp_server.refuse(None)
    assert send_pending(database, cfg, now=lambda: start + timedelta(seconds=61)).sent == 2
    sent = {m.message["Subject"]: m.message["Message-ID"] for m in smtp_server.messages}
    rows = {row.subject: row for row in queued(database)}
    assert {subject: rows[subject].message_id for subject in sent} == sent
    assert {row.id: row.message_id for row in rows.values()} == refused  # the retry kept it
