"""After the meeting (issue 18): overdue actions chased by the reminder job, minutes published
within the deadline or flagged, the referrer told the date heard, the case closed at MARAC when
it is MARAC only — each mail without victim details, and nothing queued twice."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, select

from tests.factories import actor_for, make_user
from tests.meetings.support import FIRST, PATTERN, TODAY, checked_referral
from workflow.actors import Actor
from workflow.deadlines.reminders import ReminderSettings, send_reminders
from workflow.errors import GuardFailed, PermissionDenied, StaleReferral
from workflow.meetings import access, actions, agenda, chasing, follow_up
from workflow.meetings import listing as listings
from workflow.meetings.actions import NewAction
from workflow.meetings.follow_up import NOT_HEARD_IN_TIME
from workflow.meetings.lifecycle import ActionEvent
from workflow.meetings.models import MaracAction, MaracListing
from workflow.models import AuditEvent, Outbox, Referral
from workflow.models.referral import Outcome, Pathway
from workflow.models.staff import Role
from workflow.policy import Policy
from workflow.queue.listing import QueueFilter, caseload, queue_page
from workflow.referrals import casework
from workflow.referrals.states import State
from workflow.store.db import Database

BASE = "https://desk.example.org"
DUE = FIRST + timedelta(days=14)  # Tuesday 16 March 2027
POLICE_DOMAINS = Policy(professional_domains=("police.uk",))


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def listed(database: Database, coordinator: Actor, **fields: object) -> MaracListing:
    referral = checked_referral(database, coordinator, **fields)
    with database.uow() as uow:
        return listings.list_referral(uow, coordinator, referral.id or 0, None, PATTERN, TODAY)


def heard(database: Database, coordinator: Actor, **fields: object) -> MaracListing:
    listing = listed(database, coordinator, **fields)
    with database.uow() as uow:
        return actions.record_hearing(
            uow,
            coordinator,
            listing.id or 0,
            None,
            "Escalating",
            "Actions agreed",
            FIRST,
            POLICE_DOMAINS,
        )


def act(database: Database, coordinator: Actor, listing: MaracListing, agency: str) -> MaracAction:
    new = NewAction(agency, "Visit Jade Allen at 12 High Street", DUE)
    with database.uow() as uow:
        return actions.add_action(uow, coordinator, listing.id or 0, None, new)


def mail(database: Database, kind: str) -> list[Outbox]:
    with database.uow() as uow:
        query = select(Outbox).where(col(Outbox.kind) == kind).order_by(col(Outbox.id))
        return list(uow.session.exec(query).all())


def run(database: Database, day: date) -> chasing.ChaseReport:
    return chasing.chase(database, noon(day), chasing.ChaseSettings(BASE))


# --- Overdue actions ---------------------------------------------------------------------------

# (what became of the action, the day the job runs, chased?)
CHASES = [
    (None, DUE, False),  # due today: not yet overdue
    (None, DUE + timedelta(days=1), True),
    (ActionEvent.DONE, DUE + timedelta(days=1), False),
    (ActionEvent.CLOSE, DUE + timedelta(days=1), False),
    (None, DUE + timedelta(days=30), True),
]


@pytest.mark.parametrize(("event", "day", "chased"), CHASES)
def test_an_open_action_past_its_due_date_is_chased_once(
    database: Database, coordinator: Actor, event: ActionEvent | None, day: date, chased: bool
) -> None:
    listing = heard(database, coordinator)
    action = act(database, coordinator, listing, "Police")
    act(database, coordinator, listing, "Health")  # keeps the case open whatever this one does
    if event is not None:
        with database.uow() as uow:
            actions.end_action(uow, coordinator, action.id or 0, None, event, "Moved away")
    report = run(database, day)
    health_too = 1 if day > DUE else 0
    assert report.actions == int(chased) + health_too
    assert run(database, day).actions == 0  # a second run queues nothing twice
    assert len(mail(database, "marac_action_overdue")) == int(chased) + health_too


def test_the_chase_names_the_reference_and_agency_never_the_victim_or_the_action_text(
    database: Database, coordinator: Actor
) -> None:
    listing = heard(database, coordinator)
    act(database, coordinator, listing, "Police")
    run(database, DUE + timedelta(days=1))
    [sent] = mail(database, "marac_action_overdue")
    with database.uow() as uow:
        referral = uow.session.get(Referral, listing.referral_id)
        assert referral is not None
    body = sent.subject + sent.body_text + sent.body_html
    assert referral.reference in body and "Police" in body and "16 March 2027" in body
    assert f"{BASE}/marac/cases/{listing.id}" in sent.body_text
    for secret in ("Jade", "Allen", "High Street", "PE7", "1990"):
        assert secret not in body
    assert "no details of the victim" in sent.body_text
    assert sent.to == [coordinator.label]


def test_the_owning_agencys_invited_representatives_are_chased_too(
    database: Database, coordinator: Actor
) -> None:
    listing = heard(database, coordinator)
    for email in ("rep@police.example.org", "rep@health.example.org"):
        make_user(database, Role.AGENCY, email)
    with database.uow() as uow:
        access.invite(uow, coordinator, listing.sitting_id, "rep@police.example.org", "Police")
    with database.uow() as uow:
        access.invite(uow, coordinator, listing.sitting_id, "rep@health.example.org", "Health")
    act(database, coordinator, listing, "Police")
    run(database, DUE + timedelta(days=1))
    [sent] = mail(database, "marac_action_overdue")
    assert sent.to == [coordinator.label, "rep@police.example.org"]


# Due Tuesday 16 March; chased from Wednesday 17; escalated when still open after one more
# working day beyond the first (the policy's escalate_after_working_days): from Friday 19.
# (days the job runs, escalated on the last?)
ESCALATIONS = [
    ((date(2027, 3, 17), date(2027, 3, 18)), False),
    ((date(2027, 3, 17), date(2027, 3, 19)), True),
    ((date(2027, 3, 19),), False),  # never chased before: chased now, escalated later
    ((date(2027, 3, 17), date(2027, 3, 22), date(2027, 3, 29)), True),
]


@pytest.mark.parametrize(("days", "escalated"), ESCALATIONS)
def test_an_action_still_open_after_its_chase_is_escalated_to_managers_once(
    database: Database, coordinator: Actor, days: tuple[date, ...], escalated: bool
) -> None:
    make_user(database, Role.MANAGER, "manager@example.org")
    act(database, coordinator, heard(database, coordinator), "Police")
    reports = [run(database, day) for day in days]
    assert sum(r.actions for r in reports) == 1
    assert sum(r.escalations for r in reports) == int(escalated)
    sent = mail(database, "marac_action_escalation")
    assert len(sent) == int(escalated)
    if escalated:
        assert sent[0].to == ["manager@example.org"]
        assert sent[0].subject.startswith("Escalation") and "Jade" not in sent[0].body_text


def test_the_reminder_job_chases_marac_actions(database: Database, coordinator: Actor) -> None:
    act(database, coordinator, heard(database, coordinator), "Police")
    report = send_reminders(database, noon(DUE + timedelta(days=1)), ReminderSettings(BASE))
    assert report.marac_actions == 1 and report.counts()["marac_actions"] == 1
    assert "1 overdue actions chased" in report.summary()


# --- Minutes -----------------------------------------------------------------------------------

# Heard Tuesday 2 March 2027; 3 working days: due by Friday 5 March. (published?, day, chased?)
MINUTES = [
    (False, date(2027, 3, 5), False),
    (False, date(2027, 3, 6), True),
    (False, date(2027, 3, 8), True),
    (True, date(2027, 3, 8), False),
]


@pytest.mark.parametrize(("published", "day", "chased"), MINUTES)
def test_minutes_not_published_within_the_deadline_are_flagged_once(
    database: Database, coordinator: Actor, published: bool, day: date, chased: bool
) -> None:
    listing = heard(database, coordinator)
    if published:
        with database.uow() as uow:
            follow_up.publish_minutes(uow, coordinator, listing.id or 0, None)
    assert run(database, day).minutes == int(chased)
    assert run(database, day).minutes == 0
    sent = mail(database, "marac_minutes_overdue")
    assert len(sent) == int(chased)
    if chased:
        assert "5 March 2027" in sent[0].body_text and "Jade" not in sent[0].body_text


def test_the_minutes_deadline_is_a_setting(database: Database, coordinator: Actor) -> None:
    heard(database, coordinator)
    five = chasing.ChaseSettings(BASE, minutes_working_days=5)
    assert chasing.chase(database, noon(date(2027, 3, 8)), five).minutes == 0
    assert chasing.chase(database, noon(date(2027, 3, 10)), five).minutes == 1


def test_publishing_the_minutes_needs_a_hearing_and_happens_once(
    database: Database, coordinator: Actor
) -> None:
    waiting = listed(database, coordinator)
    with database.uow() as uow, pytest.raises(GuardFailed, match="Record the hearing"):
        follow_up.publish_minutes(uow, coordinator, waiting.id or 0, None)
    listing = heard(database, coordinator)
    with database.uow() as uow, pytest.raises(StaleReferral):
        follow_up.publish_minutes(uow, coordinator, listing.id or 0, listing.version + 1)
    with database.uow() as uow:
        done = follow_up.publish_minutes(uow, coordinator, listing.id or 0, listing.version)
        assert done.minutes_published_at is not None
    with database.uow() as uow, pytest.raises(GuardFailed, match="already"):
        follow_up.publish_minutes(uow, coordinator, listing.id or 0, None)
    with database.uow() as uow:
        trail = uow.session.exec(
            select(AuditEvent.summary).where(col(AuditEvent.object_id) == listing.referral_id)
        ).all()
    assert any("minutes published" in line for line in trail)


# --- The referrer told "heard on" --------------------------------------------------------------

# (referrer's address, told?): only an address on the professional-domain list.
REFERRERS = [
    ("holly.martin@cambs.pnn.police.uk", True),
    ("someone@gmail.example", False),
    ("", False),
]


@pytest.mark.parametrize(("address", "told"), REFERRERS)
def test_the_referrer_is_told_the_date_heard_without_victim_details(
    database: Database, coordinator: Actor, address: str, told: bool
) -> None:
    heard(database, coordinator, referrer_email=address)
    sent = mail(database, "marac_heard")
    assert len(sent) == int(told)
    if told:
        assert sent[0].to == [address]
        assert "heard at MARAC on 2 March 2027" in sent[0].body_text
        for secret in ("Jade", "Allen", "PE7", "Holly"):
            assert secret not in sent[0].subject + sent[0].body_text


# --- Closing at MARAC ------------------------------------------------------------------------

# (allocation, how the plan ends, referral closed as heard at MARAC?)
CLOSING = [
    ("marac_only", "complete", True),
    ("marac_only", "last_action", True),
    ("marac_only", "still_open", False),
    ("idva", "last_action", False),
    ("none", "complete", False),
]


@pytest.mark.parametrize(("allocation", "ending", "closed"), CLOSING)
def test_a_marac_only_case_closes_when_its_actions_end(
    database: Database, coordinator: Actor, allocation: str, ending: str, closed: bool
) -> None:
    listing = heard(database, coordinator)
    with database.uow() as uow:
        if allocation == "marac_only":
            casework.allocate_marac_only(
                uow, coordinator, listing.referral_id, None, "Supported by Refuge"
            )
        elif allocation == "idva":
            idva = make_user(database, Role.IDVA)
            casework.allocate(uow, coordinator, listing.referral_id, None, idva.id or 0)
    if ending == "complete":
        with database.uow() as uow:
            actions.complete(uow, coordinator, listing.id or 0, None)
    else:
        plan = [act(database, coordinator, listing, "Police")]
        if ending == "still_open":
            plan.append(act(database, coordinator, listing, "Health"))
        with database.uow() as uow:
            actions.end_action(uow, coordinator, plan[0].id or 0, None, ActionEvent.DONE)
    with database.uow() as uow:
        referral = uow.session.get(Referral, listing.referral_id)
        assert referral is not None
        assert (referral.state is State.CLOSED) is closed
        assert (referral.outcome is Outcome.HEARD_AT_MARAC) is closed


# --- Allocation: IDVA or MARAC only ------------------------------------------------------------


def test_marac_only_needs_a_reason_and_a_marac_referral(
    database: Database, coordinator: Actor
) -> None:
    referral = checked_referral(database, coordinator)
    with database.uow() as uow, pytest.raises(GuardFailed, match="reason"):
        casework.allocate_marac_only(uow, coordinator, referral.id or 0, None, "  ")
    stalking = checked_referral(database, coordinator, pathway=Pathway.STALKING_IDVA)
    with database.uow() as uow, pytest.raises(GuardFailed, match="Only a MARAC referral"):
        casework.allocate_marac_only(uow, coordinator, stalking.id or 0, None, "Declined")
    with database.uow() as uow, pytest.raises(StaleReferral):
        casework.allocate_marac_only(
            uow, coordinator, referral.id or 0, referral.version + 1, "Declined"
        )


def test_marac_only_allocates_with_no_idva_and_no_first_contact_deadline(
    database: Database, coordinator: Actor
) -> None:
    referral = checked_referral(database, coordinator)
    with database.uow() as uow:
        done = casework.allocate_marac_only(
            uow, coordinator, referral.id or 0, referral.version, "Victim declined an IDVA"
        )
        assert done.state is State.ALLOCATED and done.allocated_idva_id is None
        assert done.marac_only_reason == "Victim declined an IDVA"
        assert done.due_at is None and done.due_kind == "none"
    idva = make_user(database, Role.IDVA)
    with database.uow() as uow:
        again = casework.allocate(uow, coordinator, referral.id or 0, None, idva.id or 0)
        assert again.allocated_idva_id == idva.id and again.marac_only_reason == ""
        assert again.due_kind == "first_contact"


# --- Heard within --------------------------------------------------------------------------------

RECEIVED = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)  # Monday; 10 working days: heard by 15 March
HEARD_WITHIN = [
    (Pathway.MARAC, False, date(2027, 3, 15), False),
    (Pathway.MARAC, False, date(2027, 3, 16), True),
    (Pathway.MARAC, True, date(2027, 3, 16), False),
    (Pathway.STALKING_IDVA, False, date(2027, 3, 16), False),
]


@pytest.mark.parametrize(("pathway", "heard_yet", "today", "late"), HEARD_WITHIN)
def test_not_heard_in_time(pathway: Pathway, heard_yet: bool, today: date, late: bool) -> None:
    assert follow_up.not_heard_in_time(pathway, RECEIVED, heard_yet, today, 10) is late


def test_the_sql_cutoff_agrees_with_the_rule_on_every_day() -> None:
    # Over two months with bank holidays (Easter 2027: 26 and 29 March), for 0, 3 and 10 days.
    start = date(2027, 3, 1)
    for days in (0, 3, 10):
        for offset in range(60):
            today = start + timedelta(days=offset + 20)
            cutoff = follow_up.late_cutoff(today, days)
            for back in range(40):
                received = datetime.combine(
                    today - timedelta(days=back), datetime.min.time(), tzinfo=UTC
                ) + timedelta(hours=11)
                late = follow_up.not_heard_in_time(Pathway.MARAC, received, False, today, days)
                assert (received < cutoff) is late, (today, received, days)


def test_the_queue_flags_and_filters_marac_cases_not_heard_in_time(
    database: Database, coordinator: Actor
) -> None:
    waiting = checked_referral(database, coordinator)
    stalking = checked_referral(database, coordinator, pathway=Pathway.STALKING_IDVA)
    was_heard = heard(database, coordinator)
    soon = datetime.now(UTC) + timedelta(days=1)
    later = datetime.now(UTC) + timedelta(days=40)

    def flagged(now: datetime, f: QueueFilter | None = None) -> set[int]:
        with database.uow() as uow:
            page = queue_page(uow, coordinator, f or QueueFilter(), now=now)
        return {row.referral.id for row in page.rows if NOT_HEARD_IN_TIME in row.flags}

    assert flagged(soon) == set()
    assert flagged(later) == {waiting.id}
    assert stalking.id not in flagged(later) and was_heard.referral_id not in flagged(later)
    only = QueueFilter(flag=NOT_HEARD_IN_TIME)
    with database.uow() as uow:
        rows = queue_page(uow, coordinator, only, now=later).rows
    assert [row.referral.id for row in rows] == [waiting.id]
    assert flagged(later, QueueFilter(heard_within=60)) == set()  # the setting moves it


def test_the_idvas_caseload_flags_not_heard_in_time_by_the_setting(
    database: Database, coordinator: Actor
) -> None:
    waiting = checked_referral(database, coordinator)
    idva = make_user(database, Role.IDVA)
    with database.uow() as uow:
        casework.allocate(uow, coordinator, waiting.id or 0, None, idva.id or 0)
    later = datetime.now(UTC) + timedelta(days=40)

    def flagged(**setting: int) -> bool:
        with database.uow() as uow:
            rows = caseload(uow, actor_for(idva), now=later, **setting)
        return any(NOT_HEARD_IN_TIME in row.flags for row in rows)

    assert flagged() and flagged(heard_within=10)
    assert not flagged(heard_within=60)


@pytest.mark.parametrize("role", [Role.IDVA, Role.AGENCY, Role.ADMIN])
def test_only_meeting_staff_publish_minutes_or_allocate_marac_only(
    database: Database, coordinator: Actor, role: Role
) -> None:
    listing = heard(database, coordinator)
    other = actor_for(make_user(database, role))
    with database.uow() as uow, pytest.raises(PermissionDenied):
        follow_up.publish_minutes(uow, other, listing.id or 0, None)
    with database.uow() as uow, pytest.raises(PermissionDenied):
        casework.allocate_marac_only(uow, other, listing.referral_id, None, "Declined")


@pytest.mark.parametrize(
    ("result", "repeat"), [("met", True), ("check", False), ("not_met", False)]
)
def test_the_agenda_marks_a_repeat_marac(
    database: Database, coordinator: Actor, result: str, repeat: bool
) -> None:
    listing = listed(database, coordinator)
    with database.uow() as uow:
        referral = uow.session.get(Referral, listing.referral_id)
        assert referral is not None
        others = [o for o in referral.rule_outcomes if o.get("rule") != "repeat_marac"]
        referral.rule_outcomes = [*others, {"rule": "repeat_marac", "result": result, "reason": ""}]
        uow.commit()
    with database.uow() as uow:
        (case,) = agenda.agenda(uow, coordinator, listing.sitting_id).cases
    assert case.repeat is repeat
