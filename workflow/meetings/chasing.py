"""The reminder job's MARAC part (issue 18): overdue actions chased, unpublished minutes flagged.

An open action past its due date is chased once per due date: to the coordinators and to the
owning agency's representatives invited to that sitting; still open the policy's
`escalate_after_working_days` working days after that (as a referral's overdue step), it is
escalated once to the managers (else the coordinators). A heard case whose minutes are not
published within MARAC_MINUTES_WORKING_DAYS working days is flagged to the coordinators once.
Exactly once through the outbox's dedupe key, written in the same transaction as the read.
Mail holds the reference, the owning agency, the dates and a link; never anything about the
victim, and never an action's description, which is free text that may name the victim or an
address.
"""

import html
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from workflow.deadlines.working_time import london_date
from workflow.meetings.calendar import working_days_after
from workflow.meetings.follow_up import HEARD_STATES, minutes_due_on
from workflow.meetings.models import (
    ActionState,
    Invitation,
    MaracAction,
    MaracListing,
    MaracSitting,
)
from workflow.models import Outbox, Referral, User
from workflow.models.staff import Role
from workflow.store import outbox
from workflow.store.db import Database


@dataclass
class ChaseReport:
    """What one run queued."""

    actions: int = 0
    escalations: int = 0
    minutes: int = 0
    no_recipient: int = 0


@dataclass(frozen=True)
class ChaseSettings:
    """Where links point, whom to tell, and the deadlines (MARAC_MINUTES_WORKING_DAYS; the
    policy's escalate_after_working_days)."""

    base_url: str
    coordinators: tuple[str, ...] = ()
    minutes_working_days: int = 3
    escalate_after_working_days: int = 1


@dataclass(frozen=True)
class _Overdue:
    action_id: int
    agency: str
    due_on: date
    listing_id: int
    sitting_id: int
    sits_on: date
    reference: str
    referral_id: int


def _addresses(session: Session, role: Role) -> list[str]:
    query = select(User.email).where(col(User.role) == role, col(User.active))
    return list(session.exec(query.order_by(col(User.id))))


def _representatives(session: Session, sitting_id: int, agency: str) -> list[str]:
    query = (
        select(User.email)
        .join(Invitation, col(Invitation.user_id) == col(User.id))
        .where(
            col(Invitation.sitting_id) == sitting_id,
            col(Invitation.agency) == agency,
            col(User.active),
        )
    )
    return list(session.exec(query.order_by(col(User.id))))


def _overdue_actions(session: Session, today: date) -> list[_Overdue]:
    query = (
        sa.select(
            col(MaracAction.id),
            col(MaracAction.agency),
            col(MaracAction.due_on),
            col(MaracListing.id),
            col(MaracSitting.id),
            col(MaracSitting.sits_on),
            col(Referral.reference),
            col(Referral.id),
        )
        .join(MaracListing, col(MaracListing.id) == col(MaracAction.listing_id))
        .join(MaracSitting, col(MaracSitting.id) == col(MaracListing.sitting_id))
        .join(Referral, col(Referral.id) == col(MaracListing.referral_id))
        .where(col(MaracAction.state) == ActionState.OPEN, col(MaracAction.due_on) < today)
        .order_by(col(MaracAction.id))
    )
    return [_Overdue(*row) for row in session.execute(query)]


CHASE, ESCALATION = 1, 2


def _action_key(item: _Overdue, level: int = CHASE) -> str:
    key = f"marac-action:{item.action_id}:{item.due_on.isoformat()}"
    return key if level == CHASE else f"{key}:escalation"


def _minutes_key(listing_id: int) -> str:
    return f"marac-minutes:{listing_id}"


def _queued(session: Session, keys: list[str]) -> set[str]:
    # What earlier runs chased, in one query: every run reads the same candidates again.
    if not keys:
        return set()
    query = select(Outbox.dedupe_key).where(col(Outbox.dedupe_key).in_(keys))
    return {key for key in session.exec(query) if key is not None}


def _link(base_url: str, listing_id: int) -> str:
    return f"{base_url.rstrip('/')}/marac/cases/{listing_id}"


def _bodies(lines: list[str], link: str, label: str) -> tuple[str, str]:
    text = "\n\n".join([*lines, f"{label}: {link}", outbox.NO_VICTIM_DETAILS]) + "\n"
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    body_html = (
        f'{paragraphs}<p><a href="{html.escape(link)}">{html.escape(label)}</a></p>'
        f"<p>{html.escape(outbox.NO_VICTIM_DETAILS)}</p>"
    )
    return text, body_html


def _chase_action(
    session: Session, item: _Overdue, to: list[str], base_url: str, level: int
) -> bool:
    lines = [
        f"An action agreed at the MARAC of {item.sits_on:%-d %B %Y} for referral "
        f"{item.reference} is overdue: {item.agency} was to complete it by "
        f"{item.due_on:%-d %B %Y} and it is still open.",
        "Tell the MARAC coordinator when it is done, or why it cannot be.",
    ]
    lead = "Overdue MARAC action"
    if level == ESCALATION:
        lines[1] = "The coordinator and the agency were reminded and it is still not done."
        lead = "Escalation: MARAC action still overdue"
    text, body_html = _bodies(lines, _link(base_url, item.listing_id), "The case at MARAC")
    mail = outbox.enqueue(
        session,
        kind="marac_action_escalation" if level == ESCALATION else "marac_action_overdue",
        to=to,
        subject=f"{lead} ({item.agency}) for referral {item.reference}",
        body_text=text,
        body_html=body_html,
        dedupe_key=_action_key(item, level),
        referral_id=item.referral_id,
    )
    return mail is not None


_Heard = tuple[int, int, str, date]  # listing id, referral id, reference, heard on


def _unpublished(session: Session, today: date, working_days: int) -> list[_Heard]:
    query = (
        sa.select(
            col(MaracListing.id),
            col(Referral.id),
            col(Referral.reference),
            col(MaracListing.heard_on),
        )
        .join(Referral, col(Referral.id) == col(MaracListing.referral_id))
        .where(
            col(MaracListing.minutes_published_at).is_(None),
            col(MaracListing.heard_on).is_not(None),
            col(MaracListing.heard_on) < today,
            col(MaracListing.state).in_([s.value for s in HEARD_STATES]),
        )
        .order_by(col(MaracListing.id))
    )
    rows = [(lid, rid, ref, heard) for lid, rid, ref, heard in session.execute(query)]
    return [row for row in rows if today > minutes_due_on(row[3], working_days)]


def _chase_minutes(session: Session, row: _Heard, to: list[str], base_url: str, days: int) -> bool:
    listing_id, referral_id, reference, heard_on = row
    due = minutes_due_on(heard_on, days)
    lines = [
        f"Referral {reference} was heard at MARAC on {heard_on:%-d %B %Y}. Its minutes and "
        f"action plan were due to the invited agencies by {due:%-d %B %Y} and are not published.",
    ]
    text, body_html = _bodies(lines, _link(base_url, listing_id), "Publish the minutes")
    mail = outbox.enqueue(
        session,
        kind="marac_minutes_overdue",
        to=to,
        subject=f"MARAC minutes not published for referral {reference}",
        body_text=text,
        body_html=body_html,
        dedupe_key=_minutes_key(listing_id),
        referral_id=referral_id,
    )
    return mail is not None


def _chase_actions(
    session: Session,
    overdue: list[_Overdue],
    done: set[str],
    staff: list[str],
    today: date,
    settings: ChaseSettings,
    report: ChaseReport,
) -> None:
    managers = _addresses(session, Role.MANAGER) or staff
    for item in overdue:
        if _action_key(item) not in done:
            to = staff + _representatives(session, item.sitting_id, item.agency)
            if not to:
                report.no_recipient += 1
            elif _chase_action(session, item, to, settings.base_url, CHASE):
                report.actions += 1
            continue  # escalated only once a chase from an earlier run went unanswered
        escalate_from = working_days_after(item.due_on, 1 + settings.escalate_after_working_days)
        if today <= escalate_from or _action_key(item, ESCALATION) in done:
            continue
        if not managers:
            report.no_recipient += 1
        elif _chase_action(session, item, managers, settings.base_url, ESCALATION):
            report.escalations += 1


def chase(database: Database, now: datetime, settings: ChaseSettings) -> ChaseReport:
    """Queue the chase (and escalation) of every overdue MARAC action and the flag of every
    unpublished minutes; a rerun queues nothing twice."""
    today = london_date(now)
    report = ChaseReport()
    days = settings.minutes_working_days
    with database.uow() as uow:
        session = uow.session
        staff = list(settings.coordinators) or _addresses(session, Role.COORDINATOR)
        overdue = _overdue_actions(session, today)
        late = _unpublished(session, today, days)
        keys = [_action_key(i, level) for i in overdue for level in (CHASE, ESCALATION)]
        done = _queued(session, keys + [_minutes_key(row[0]) for row in late])
        _chase_actions(session, overdue, done, staff, today, settings, report)
        for row in (row for row in late if _minutes_key(row[0]) not in done):
            if not staff:
                report.no_recipient += 1
            elif _chase_minutes(session, row, staff, settings.base_url, days):
                report.minutes += 1
        uow.commit()
    return report
