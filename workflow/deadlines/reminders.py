"""The overdue-reminder job: a reminder, then an escalation, per deadline, and a daily digest.

Exactly once per (referral, deadline, level): the ReminderSent row and the outbox message are
written in one transaction, the row's unique key and the outbox dedupe key refuse a second copy,
and candidates are read in that same transaction (FOR SHARE on PostgreSQL), so a referral that
moved on before the job ran no longer matches and one that moves on while it runs waits for it.
Mail holds the reference, state, step, how late it is and a link: never anything about the victim.
"""

import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from workflow.deadlines.steps import KIND_LABELS, DeadlineKind, describe_overdue, refresh_deadline
from workflow.deadlines.working_time import LONDON, add_working_days, is_working_day
from workflow.meetings import chasing
from workflow.meetings.calendar import MINUTES_WORKING_DAYS
from workflow.models import Outbox, Referral, ReminderSent, User
from workflow.models.staff import Role
from workflow.policy import CAMBS, Policy
from workflow.referrals.states import OPEN_STATES, STATE_LABELS, State
from workflow.store import outbox
from workflow.store.db import Database
from workflow.store.retries import retried

log = logging.getLogger(__name__)

REMINDER, ESCALATION = 1, 2
T = TypeVar("T")


@dataclass(frozen=True)
class ReminderSettings:
    """Where links point and whom to tell before allocation; batch sizes for big queues."""

    base_url: str
    coordinators_address: tuple[str, ...] = ()  # else every active coordinator's own address
    batch: int = 500
    digest_limit: int = 200
    marac_minutes_working_days: int = MINUTES_WORKING_DAYS

    @classmethod
    def from_settings(cls, settings: Any) -> "ReminderSettings":
        """Build from the app's settings (BASE_URL, COORDINATORS_EMAIL, MARAC_MINUTES_...)."""
        addresses = settings.get("COORDINATORS_EMAIL") or ""
        return cls(
            base_url=settings.get("BASE_URL") or "",
            coordinators_address=tuple(a.strip() for a in addresses.split(",") if a.strip()),
            marac_minutes_working_days=int(
                settings.get("MARAC_MINUTES_WORKING_DAYS", MINUTES_WORKING_DAYS)
            ),
        )


@dataclass
class ReminderReport:
    """What one run queued, for the log, the heartbeat and the command's summary."""

    reminders: int = 0
    escalations: int = 0
    digests: int = 0
    no_recipient: int = 0
    retried_batches: int = 0
    backfilled: int = 0
    marac_actions: int = 0  # overdue MARAC actions chased (workflow/meetings/chasing.py)
    marac_escalations: int = 0  # ...and escalated, still open after that
    marac_minutes: int = 0  # MARAC minutes not published in time

    def counts(self) -> dict[str, int]:
        """Return the numbers as a dict for the heartbeat."""
        return {
            "reminders": self.reminders,
            "escalations": self.escalations,
            "digests": self.digests,
            "no_recipient": self.no_recipient,
            "marac_actions": self.marac_actions,
            "marac_escalations": self.marac_escalations,
            "marac_minutes": self.marac_minutes,
        }

    def summary(self) -> str:
        """Return the one-line summary `flask send-reminders` prints."""
        return (
            f"send-reminders: {self.reminders} reminders, {self.escalations} escalations, "
            f"{self.digests} digests queued; {self.no_recipient} with nobody to tell; "
            f"MARAC: {self.marac_actions} overdue actions chased, {self.marac_escalations} "
            f"escalated, {self.marac_minutes} minutes late"
        )


@dataclass(frozen=True)
class Overdue:
    """The few columns a reminder needs: nothing about the victim is read."""

    referral_id: int
    reference: str
    state: State
    kind: str
    due_at: datetime
    idva_id: int | None
    reminded_at: datetime | None = None


COLUMNS: tuple[Any, ...] = (
    col(Referral.id),
    col(Referral.reference),
    col(Referral.state),
    col(Referral.due_kind),
    col(Referral.due_at),
    col(Referral.allocated_idva_id),
)


def _sent(level: int) -> sa.ColumnElement[bool]:
    return (
        sa.exists()
        .where(
            col(ReminderSent.referral_id) == col(Referral.id),
            col(ReminderSent.kind) == col(Referral.due_kind),
            col(ReminderSent.due_at) == col(Referral.due_at),
            col(ReminderSent.level) == level,
        )
        .correlate(Referral)
    )


def _overdue(now: datetime, after_id: int) -> list[sa.ColumnElement[bool]]:
    return [
        col(Referral.due_at) <= now,
        col(Referral.state).in_(OPEN_STATES),
        col(Referral.id) > after_id,
    ]


def _reminder_candidates(session: Session, now: datetime, after: int, n: int) -> list[Overdue]:
    query = (
        sa.select(*COLUMNS)
        .where(*_overdue(now, after), ~_sent(REMINDER))
        .order_by(col(Referral.id))
        .limit(n)
        .with_for_update(read=True, of=Referral)
    )
    return [Overdue(*row) for row in session.execute(query)]


def _escalation_candidates(
    session: Session, now: datetime, after: int, n: int, policy: Policy
) -> list[Overdue]:
    # N working days are never shorter than N-1 calendar days and one office day: a cheap SQL
    # bound, then the exact working-day check in Python on what it lets through.
    office_day = datetime.combine(datetime.min, policy.office_closes) - datetime.combine(
        datetime.min, policy.office_opens
    )
    bound = now - timedelta(days=max(policy.escalate_after_working_days - 1, 0)) - office_day
    reminded = aliased(ReminderSent)
    first = sa.and_(
        col(reminded.referral_id) == col(Referral.id),
        col(reminded.kind) == col(Referral.due_kind),
        col(reminded.due_at) == col(Referral.due_at),
        col(reminded.level) == REMINDER,
    )
    query = (
        sa.select(*COLUMNS, col(reminded.created_at))
        .join(reminded, first)
        .where(*_overdue(now, after), col(reminded.created_at) <= bound, ~_sent(ESCALATION))
        .order_by(col(Referral.id))
        .limit(n)
        .with_for_update(read=True, of=Referral)
    )
    return [Overdue(*row) for row in session.execute(query)]


def _emails(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        sa.select(col(User.id), col(User.email)).where(col(User.id).in_(ids), col(User.active))
    )
    return {user_id: email for user_id, email in rows}


def _role_addresses(session: Session, role: Role) -> list[str]:
    rows = session.exec(
        select(User.email).where(col(User.role) == role, col(User.active)).order_by(col(User.id))
    )
    return list(rows)


def _link(settings: ReminderSettings, referral_id: int) -> str:
    return f"{settings.base_url.rstrip('/')}/referrals/{referral_id}"


def _when(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%-d %B %Y at %H:%M")


def _message(item: Overdue, level: int, now: datetime, link: str) -> tuple[str, str, str]:
    step = KIND_LABELS[DeadlineKind(item.kind)]
    late = describe_overdue(item.due_at, now)
    lead = "Escalation: still overdue" if level == ESCALATION else "Overdue"
    subject = f"{lead}: {step} for referral {item.reference}"
    lines = [
        f"Referral {item.reference} is {STATE_LABELS[item.state]}.",
        f"Its {step} was due on {_when(item.due_at)} and is overdue by {late}.",
    ]
    if level == ESCALATION:
        lines.append("A reminder was sent and the step is still not done.")
    text = "\n\n".join([*lines, f"Open the referral: {link}", NO_DETAILS]) + "\n"
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    body_html = (
        f'{paragraphs}<p><a href="{html.escape(link)}">Open referral '
        f"{html.escape(item.reference)}</a></p><p>{html.escape(NO_DETAILS)}</p>"
    )
    return subject, text, body_html


NO_DETAILS = outbox.NO_VICTIM_DETAILS


def _key(item: Overdue, level: int) -> str:
    return f"reminder:{item.reference}:{item.kind}:{item.due_at:%Y%m%dT%H%M%SZ}:{level}"


def _already_queued(session: Session, keys: list[str]) -> dict[str, int]:
    # One query per batch instead of one per message: enqueue's own check is row by row.
    if not keys:
        return {}
    rows = session.execute(
        sa.select(col(Outbox.dedupe_key), col(Outbox.id)).where(col(Outbox.dedupe_key).in_(keys))
    )
    return {key: outbox_id for key, outbox_id in rows if key is not None}


def _queue(
    session: Session,
    items: Sequence[Overdue],
    level: int,
    now: datetime,
    settings: ReminderSettings,
) -> tuple[int, int]:
    """Queue one batch; return (messages queued, referrals with nobody to tell)."""
    coordinators = list(settings.coordinators_address) or _role_addresses(session, Role.COORDINATOR)
    managers = _role_addresses(session, Role.MANAGER) if level == ESCALATION else []
    idvas = _emails(session, {i.idva_id for i in items if i.idva_id is not None})
    existing = _already_queued(session, [_key(item, level) for item in items])
    records: list[tuple[Overdue, Outbox | None, int | None]] = []
    nobody = 0
    with session.no_autoflush:
        for item in items:
            key = _key(item, level)
            if key in existing:  # queued by a run that crashed before this record: keep it
                records.append((item, None, existing[key]))
                continue
            idva = idvas.get(item.idva_id) if item.idva_id is not None else None
            to = (
                (managers or coordinators)
                if level == ESCALATION
                else ([idva] if idva else coordinators)
            )
            if not to:
                nobody += 1
                continue
            subject, text, body_html = _message(item, level, now, _link(settings, item.referral_id))
            mail = outbox.enqueue(
                session,
                kind="escalation" if level == ESCALATION else "reminder",
                to=to,
                subject=subject,
                body_text=text,
                body_html=body_html,
                dedupe_key=None,  # checked for the whole batch above; set below
                referral_id=item.referral_id,
            )
            if mail is not None:
                # The unique key still refuses a copy that a concurrent run queued meanwhile.
                mail.dedupe_key = key
            records.append((item, mail, None))
    session.flush()  # the outbox rows get their ids in one batched INSERT
    if records:
        session.execute(
            sa.insert(ReminderSent),
            [
                {
                    "referral_id": item.referral_id,
                    "kind": item.kind,
                    "due_at": item.due_at,
                    "level": level,
                    "outbox_id": mail.id if mail else outbox_id,
                    "created_at": now,
                }
                for item, mail, outbox_id in records
            ],
        )
    return sum(mail is not None for _, mail, _ in records), nobody


def _retrying(report: ReminderReport, work: Callable[[], T]) -> T:
    # Lost a race with a user's change or another run: read the batch again.
    def count() -> None:
        report.retried_batches += 1

    return retried(work, on_retry=count)


def _level_batch(
    database: Database,
    level: int,
    now: datetime,
    after: int,
    settings: ReminderSettings,
    policy: Policy,
) -> tuple[list[Overdue], int, int]:
    with database.uow() as uow:
        if level == REMINDER:
            items = _reminder_candidates(uow.session, now, after, settings.batch)
        else:
            items = _escalation_candidates(uow.session, now, after, settings.batch, policy)
        due = [i for i in items if level == REMINDER or _escalation_due(i, now, policy)]
        queued, nobody = _queue(uow.session, due, level, now, settings) if due else (0, 0)
        uow.commit()
    return items, queued, nobody


def _run_level(
    database: Database,
    level: int,
    now: datetime,
    settings: ReminderSettings,
    policy: Policy,
    report: ReminderReport,
) -> None:
    after = 0
    while True:
        items, queued, nobody = _retrying(
            report, partial(_level_batch, database, level, now, after, settings, policy)
        )
        if not items:
            return
        if level == ESCALATION:
            report.escalations += queued
        else:
            report.reminders += queued
        report.no_recipient += nobody
        after = items[-1].referral_id


def _escalation_due(item: Overdue, now: datetime, policy: Policy) -> bool:
    if item.reminded_at is None:
        return False
    return add_working_days(item.reminded_at, policy.escalate_after_working_days, policy) <= now


def _digest(
    database: Database,
    now: datetime,
    settings: ReminderSettings,
    policy: Policy,
) -> int:
    """Queue today's digest for each coordinator who has not had it; return how many."""
    local = now.astimezone(LONDON)
    if not is_working_day(local.date()) or local.time() < policy.office_opens:
        return 0  # the digest is for the start of a working day, not the middle of the night
    queued = 0
    end_of_day = datetime.combine(local.date(), policy.office_closes, tzinfo=LONDON)
    with database.uow() as uow:
        session = uow.session
        coordinators = session.exec(
            select(User).where(col(User.role) == Role.COORDINATOR, col(User.active))
        ).all()
        if not coordinators:
            return 0
        where = (col(Referral.due_at) <= end_of_day, col(Referral.state).in_(OPEN_STATES))
        total = session.execute(
            select(sa.func.count()).select_from(Referral).where(*where)
        ).scalar_one()
        if not total:
            return 0
        rows = session.execute(
            sa.select(*COLUMNS)
            .where(*where)
            .order_by(col(Referral.due_at))
            .limit(settings.digest_limit)
        )
        items = [Overdue(*row) for row in rows]
        subject, text, body_html = _digest_message(items, total, now, settings)
        with session.no_autoflush:
            for user in coordinators:
                mail = outbox.enqueue(
                    session,
                    kind="digest",
                    to=[user.email],
                    subject=subject,
                    body_text=text,
                    body_html=body_html,
                    dedupe_key=f"digest:{user.id}:{local.date().isoformat()}",
                )
                queued += mail is not None
        uow.commit()
    return queued


def _digest_message(
    items: Sequence[Overdue], total: int, now: datetime, settings: ReminderSettings
) -> tuple[str, str, str]:
    day = now.astimezone(LONDON).strftime("%-d %B %Y")
    subject = f"Referrals due or overdue on {day}: {total}"
    lines = []
    for item in items:
        late = describe_overdue(item.due_at, now)
        status = f"overdue by {late}" if item.due_at <= now else f"due {_when(item.due_at)}"
        step = KIND_LABELS[DeadlineKind(item.kind)]
        lines.append((item, f"{item.reference} ({STATE_LABELS[item.state]}): {step} {status}"))
    more = f"\n… and {total - len(items)} more in the queue." if total > len(items) else ""
    text = (
        f"{total} referral{'s are' if total != 1 else ' is'} due or overdue today.\n\n"
        + "\n".join(f"- {line}: {_link(settings, i.referral_id)}" for i, line in lines)
        + f"{more}\n\n{NO_DETAILS}\n"
    )
    items_html = "".join(
        f'<li><a href="{html.escape(_link(settings, i.referral_id))}">{html.escape(line)}</a></li>'
        for i, line in lines
    )
    body_html = (
        f"<p>{html.escape(subject)}</p><ul>{items_html}</ul>"
        f"{f'<p>{html.escape(more.strip())}</p>' if more else ''}<p>{html.escape(NO_DETAILS)}</p>"
    )
    return subject, text, body_html


def backfill_deadlines(database: Database, policy: Policy = CAMBS, batch: int = 500) -> int:
    """Give a due time to open referrals that have none yet (those from before due times)."""
    done, after = 0, 0
    while True:
        with database.uow() as uow:
            referrals = uow.session.exec(
                select(Referral)
                .where(
                    col(Referral.state).in_(OPEN_STATES),
                    col(Referral.due_at).is_(None),
                    col(Referral.due_kind) == "",
                    col(Referral.id) > after,
                )
                .order_by(col(Referral.id))
                .limit(batch)
            ).all()
            if not referrals:
                return done
            for referral in referrals:
                refresh_deadline(referral, policy)
            uow.commit()
        done += len(referrals)
        after = referrals[-1].id or 0


def _chase_marac(
    database: Database,
    now: datetime,
    settings: ReminderSettings,
    policy: Policy,
    report: ReminderReport,
) -> None:
    marac = chasing.ChaseSettings(
        settings.base_url,
        settings.coordinators_address,
        settings.marac_minutes_working_days,
        policy.escalate_after_working_days,
    )
    chased = _retrying(report, lambda: chasing.chase(database, now, marac))
    report.marac_actions += chased.actions
    report.marac_escalations += chased.escalations
    report.marac_minutes += chased.minutes
    report.no_recipient += chased.no_recipient


def send_reminders(
    database: Database, now: datetime, settings: ReminderSettings, policy: Policy = CAMBS
) -> ReminderReport:
    """Queue the reminders, escalations and digests due at `now`, and chase MARAC's overdue
    actions and late minutes; a rerun queues nothing twice."""
    report = ReminderReport()
    report.backfilled = backfill_deadlines(database, policy, settings.batch)
    _run_level(database, REMINDER, now, settings, policy, report)
    _run_level(database, ESCALATION, now, settings, policy, report)
    report.digests = _retrying(report, lambda: _digest(database, now, settings, policy))
    _chase_marac(database, now, settings, policy, report)
    queued = report.reminders or report.escalations or report.digests or report.no_recipient
    queued = queued or report.marac_actions or report.marac_escalations or report.marac_minutes
    log.log(logging.INFO if queued else logging.DEBUG, "%s", report.summary())
    return report
