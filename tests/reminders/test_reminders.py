"""The reminder job over a controlled clock, delivered through a real SMTP server (aiosmtpd)."""

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import actor_for, make_user, record_first_contact
from tests.reminders.clock import (
    BASE_URL,
    deliver,
    london,
    queued,
    referral_received,
    run_job,
    step_began,
)
from tests.support.smtp import SmtpServer
from workflow.models import ReminderSent, User
from workflow.models.referral import Consent
from workflow.models.staff import Role
from workflow.referrals import casework
from workflow.referrals.casework import ConsentDecision
from workflow.store.db import Database


@pytest.fixture
def coordinator(database: Database) -> User:
    return make_user(database, Role.COORDINATOR, "cara@desk.example.org")


@pytest.fixture
def manager(database: Database) -> User:
    return make_user(database, Role.MANAGER, "max@desk.example.org")


def reminders(database: Database) -> list[str]:
    return [m.subject for m in queued(database) if m.kind in ("reminder", "escalation")]


def test_a_friday_afternoon_referral_is_not_overdue_over_the_weekend(
    database: Database, coordinator: User, smtp_server: SmtpServer
) -> None:
    referral = referral_received(database, london(2026, 11, 27, 15, 0))
    for at in (london(2026, 11, 28, 10), london(2026, 11, 29, 23), london(2026, 11, 30, 14, 59)):
        assert run_job(database, at).reminders == 0
    report = run_job(database, london(2026, 11, 30, 15, 1))
    assert report.reminders == 1
    assert reminders(database) == [f"Overdue: consent check for referral {referral.reference}"]

    sent = [m for m in deliver(database, smtp_server) if "Overdue:" in m.message["Subject"]]
    assert len(sent) == 1 and sent[0].rcpt_tos == [coordinator.email]
    message = sent[0].message
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f"{BASE_URL}/referrals/{referral.id}" in text and f"{BASE_URL}/referrals/" in html
    assert "is received" in text and "overdue by 1 minute" in text
    for detail in ("Jade", "Allen", "PE7", "1990", "Holly"):  # victim and referrer details
        assert detail not in message.as_string()

    assert run_job(database, london(2026, 11, 30, 16, 0)).reminders == 0
    assert deliver(database, smtp_server) == []


def test_christmas_2026_bank_holidays_are_not_working_days(
    database: Database, coordinator: User
) -> None:
    referral_received(database, london(2026, 12, 24, 14, 0))
    for day in (25, 26, 27, 28):
        assert run_job(database, london(2026, 12, day, 16, 30)).reminders == 0
    assert run_job(database, london(2026, 12, 29, 13, 59)).reminders == 0
    assert run_job(database, london(2026, 12, 29, 14, 1)).reminders == 1


def test_the_end_of_summer_time_keeps_the_london_due_time(
    database: Database, coordinator: User
) -> None:
    # Received 15:00 BST (14:00 UTC) on Friday; the clocks go back on Sunday 25 October.
    referral_received(database, london(2026, 10, 23, 15, 0))
    assert london(2026, 10, 26, 14, 30).hour == 14  # 14:30 GMT is 14:30 UTC
    assert run_job(database, london(2026, 10, 26, 14, 30)).reminders == 0
    assert run_job(database, london(2026, 10, 26, 15, 1)).reminders == 1


def test_a_referral_that_moves_on_minutes_before_the_deadline_is_not_reminded(
    database: Database, coordinator: User
) -> None:
    referral = referral_received(database, london(2026, 11, 27, 15, 0))
    with database.uow() as uow:
        casework.check_consent(
            uow, actor_for(coordinator), referral.id, None, ConsentDecision(Consent.GIVEN)
        )
    step_began(database, referral.id, london(2026, 11, 30, 14, 55))  # 5 minutes to spare
    assert run_job(database, london(2026, 11, 30, 15, 5)).reminders == 0
    # Now waiting for allocation: 1 working day for MARAC, from 14:55 on Monday.
    assert run_job(database, london(2026, 12, 1, 14, 54)).reminders == 0
    assert run_job(database, london(2026, 12, 1, 14, 56)).reminders == 1
    assert reminders(database) == [f"Overdue: allocation for referral {referral.reference}"]


def test_first_contact_reminds_the_allocated_idva_then_escalates_to_managers(
    database: Database, coordinator: User, manager: User, smtp_server: SmtpServer
) -> None:
    idva = make_user(database, Role.IDVA, "ivy@desk.example.org")
    referral = referral_received(database, london(2026, 11, 27, 15, 0))
    with database.uow() as uow:
        casework.check_consent(
            uow, actor_for(coordinator), referral.id, None, ConsentDecision(Consent.GIVEN)
        )
    with database.uow() as uow:
        casework.allocate(uow, actor_for(coordinator), referral.id, None, idva.id)
    # First contact counts from receipt (issue 15; it counted from allocation): due 2 working
    # days after Friday 15:00, on Tuesday at 15:00, however late the referral was allocated.
    step_began(database, referral.id, london(2026, 12, 1, 10, 0))  # allocated Tuesday morning
    deliver(database, smtp_server)  # the allocation mail
    assert run_job(database, london(2026, 12, 1, 14, 59)).reminders == 0
    assert run_job(database, london(2026, 12, 2, 10, 1)).reminders == 1
    sent = [m for m in deliver(database, smtp_server) if "Overdue" in m.message["Subject"]]
    assert [m.rcpt_tos for m in sent] == [[idva.email]]
    assert "first contact with the victim" in sent[0].message["Subject"]

    # Escalated once 1 working day after the reminder, if still overdue.
    assert run_job(database, london(2026, 12, 3, 10, 0)).escalations == 0
    assert run_job(database, london(2026, 12, 3, 10, 2)).escalations == 1
    assert run_job(database, london(2026, 12, 3, 11, 0)).escalations == 0
    sent = [m for m in deliver(database, smtp_server) if "Escalation" in m.message["Subject"]]
    assert [m.rcpt_tos for m in sent] == [[manager.email]]
    with database.uow() as uow:
        levels = [(r.kind, r.level) for r in uow.session.exec(select(ReminderSent))]
    assert levels == [("first_contact", 1), ("first_contact", 2)]


def test_each_coordinator_gets_one_digest_a_working_day(
    database: Database, coordinator: User
) -> None:
    other = make_user(database, Role.COORDINATOR, "cody@desk.example.org")
    overdue = referral_received(database, london(2026, 11, 25, 10, 0))  # due Thursday 10:00
    due_today = referral_received(database, london(2026, 11, 26, 14, 0))  # due Friday 14:00
    referral_received(database, london(2026, 11, 27, 11, 0))  # due Monday: not listed
    assert run_job(database, london(2026, 11, 27, 8, 30)).digests == 0  # before opening time
    assert run_job(database, london(2026, 11, 27, 9, 0)).digests == 2
    assert run_job(database, london(2026, 11, 27, 12, 0)).digests == 0
    assert run_job(database, london(2026, 11, 28, 9, 0)).digests == 0  # Saturday
    digests = queued(database, "digest")
    assert sorted(d.to[0] for d in digests) == [coordinator.email, other.email]
    text = digests[0].body_text
    assert "2 referrals are due or overdue today" in text
    assert f"{overdue.reference} (received): consent check overdue by 1 working day" in text
    assert f"{due_today.reference} (received): consent check due 27 November 2026 at 14:00" in text
    assert "Jade" not in digests[0].body_text + digests[0].body_html
    assert run_job(database, london(2026, 11, 30, 9, 5)).digests == 2


def test_running_twice_or_at_the_same_time_queues_each_reminder_once(
    committed_database: Database,
) -> None:
    make_user(committed_database, Role.COORDINATOR, "cara@desk.example.org")
    for _ in range(30):
        referral_received(committed_database, london(2026, 11, 27, 15, 0))
    at = london(2026, 11, 30, 15, 30)
    errors: list[BaseException] = []

    def job() -> None:
        try:
            run_job(committed_database, at)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=job) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    run_job(committed_database, at + timedelta(minutes=5))
    assert len(reminders(committed_database)) == 30
    assert len(queued(committed_database, "digest")) == 1


def test_twenty_quiet_working_days_after_first_contact_bring_a_review_reminder(
    database: Database, coordinator: User, smtp_server: SmtpServer
) -> None:
    idva = make_user(database, Role.IDVA, "ivy@desk.example.org")
    referral = referral_received(database, london(2026, 11, 27, 15, 0))
    actor = actor_for(coordinator)
    with database.uow() as uow:
        casework.check_consent(uow, actor, referral.id, None, ConsentDecision(Consent.GIVEN))
    with database.uow() as uow:
        casework.allocate(uow, actor, referral.id, None, idva.id)
    with database.uow() as uow:
        record_first_contact(uow, actor, referral.id, None)
    # Quiet since Monday 30 November 11:00: 20 working days, skipping 25 and 28 December.
    stored = step_began(database, referral.id, london(2026, 11, 30, 11, 0))
    assert stored.due_kind == "review" and stored.due_at == london(2026, 12, 30, 11, 0)
    assert run_job(database, london(2026, 12, 30, 10, 59)).reminders == 0
    assert run_job(database, london(2026, 12, 30, 11, 1)).reminders == 1
    sent = [m for m in deliver(database, smtp_server) if "case review" in m.message["Subject"]]
    assert [m.rcpt_tos for m in sent] == [[idva.email]]


def test_a_reminder_for_an_idva_who_has_left_goes_to_the_coordinators(
    database: Database, coordinator: User
) -> None:
    idva = make_user(database, Role.IDVA, "ivy@desk.example.org")
    referral = referral_received(database, london(2026, 11, 27, 15, 0))
    actor = actor_for(coordinator)
    with database.uow() as uow:
        casework.check_consent(uow, actor, referral.id, None, ConsentDecision(Consent.GIVEN))
    with database.uow() as uow:
        casework.allocate(uow, actor, referral.id, None, idva.id)
    step_began(database, referral.id, london(2026, 11, 30, 10, 0))
    with database.uow() as uow:
        left = uow.session.get(User, idva.id)
        assert left is not None
        left.active = False
        uow.commit()
    assert run_job(database, london(2026, 12, 2, 10, 1)).reminders == 1
    reminder = queued(database, "reminder")
    assert [m.to for m in reminder] == [[coordinator.email]]


def test_a_referral_that_moves_on_while_the_job_runs_is_not_reminded(
    committed_database: Database,
) -> None:
    from workflow.models import Referral
    from workflow.referrals.states import Event
    from workflow.referrals.transitions import transition

    coordinator = make_user(committed_database, Role.COORDINATOR, "cara@desk.example.org")
    referral = referral_received(committed_database, london(2026, 11, 27, 15, 0))
    results: list[object] = []
    with committed_database.uow() as uow:  # the coordinator's consent check, not yet committed
        stored = uow.session.get(Referral, referral.id)
        assert stored is not None
        transition(uow.session, stored, Event.CHECK_CONSENT, actor_for(coordinator))
        uow.session.flush()
        job = threading.Thread(
            target=lambda: results.append(run_job(committed_database, london(2026, 11, 30, 16)))
        )
        job.start()
        job.join(timeout=0.5)  # the job waits for the change (PostgreSQL) or retries (SQLite)
        uow.commit()
    job.join(timeout=30)
    assert len(results) == 1
    assert results[0].reminders == 0  # type: ignore[attr-defined]
    assert reminders(committed_database) == []
