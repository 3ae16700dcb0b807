"""Sittings: made from the recurring pattern as they are needed, added one-off by the
coordinator, and their attendance recorded."""

from datetime import date, timedelta

from sqlmodel import Session, col, func, select

from workflow.actors import Actor
from workflow.errors import GuardFailed
from workflow.meetings.calendar import SittingPattern, sitting_dates
from workflow.meetings.lifecycle import ACTIVE_MEETING_STATES
from workflow.meetings.models import Attendance, MaracListing, MaracSitting
from workflow.meetings.transitions import load_sitting, require_meeting_staff
from workflow.models import utcnow
from workflow.store import audit
from workflow.store.db import UnitOfWork

# How far ahead the pattern's sittings are made, so "the next sitting with space" can be found
# even when the next few are full.
HORIZON_WEEKS = 26


def ensure_sittings(session: Session, pattern: SittingPattern, start: date, end: date) -> None:
    """Make the pattern's sittings from `start` to `end` that do not exist yet (flushes)."""
    have = set(
        session.exec(
            select(col(MaracSitting.sits_on)).where(
                col(MaracSitting.one_off).is_(False),
                col(MaracSitting.sits_on) >= start,
                col(MaracSitting.sits_on) <= end,
            )
        ).all()
    )
    for day in sitting_dates(pattern, start, end):
        if day not in have:
            sitting = MaracSitting(
                sits_on=day, pattern_day=day, capacity=pattern.capacity, chair=pattern.chair
            )
            session.add(sitting)
    session.flush()


def listed_count(session: Session, sitting_id: int) -> int:
    """Count the cases holding a place on the sitting (adjourned ones do not)."""
    query = select(func.count(col(MaracListing.id))).where(
        col(MaracListing.sitting_id) == sitting_id,
        col(MaracListing.state).in_([s.value for s in ACTIVE_MEETING_STATES]),
    )
    return int(session.exec(query).one())


def upcoming(
    uow: UnitOfWork, pattern: SittingPattern, today: date, weeks: int = 12
) -> list[tuple[MaracSitting, int]]:
    """Return the sittings from `today` for `weeks` weeks with the cases listed on each."""
    end = today + timedelta(weeks=weeks)
    ensure_sittings(uow.session, pattern, today, end)
    uow.commit()
    counts = (
        select(MaracListing.sitting_id, func.count(col(MaracListing.id)))
        .where(col(MaracListing.state).in_([s.value for s in ACTIVE_MEETING_STATES]))
        .group_by(col(MaracListing.sitting_id))
        .subquery()
    )
    rows = uow.session.exec(
        select(MaracSitting, func.coalesce(counts.c[1], 0))
        .outerjoin(counts, counts.c.sitting_id == col(MaracSitting.id))
        .where(col(MaracSitting.sits_on) >= today, col(MaracSitting.sits_on) <= end)
        .order_by(col(MaracSitting.sits_on), col(MaracSitting.id))
    ).all()
    return [(sitting, int(count)) for sitting, count in rows]


def add_one_off(
    uow: UnitOfWork, actor: Actor, sits_on: date, capacity: int, chair: str, today: date
) -> MaracSitting:
    """Add a sitting outside the pattern (an extra meeting, or one moved off a bank holiday)."""
    require_meeting_staff(actor)
    if sits_on < today:
        raise GuardFailed("A new sitting cannot be in the past.")
    if capacity < 1:
        raise GuardFailed("A sitting must have room for at least one case.")
    sitting = MaracSitting(sits_on=sits_on, capacity=capacity, chair=chair.strip(), one_off=True)
    uow.session.add(sitting)
    uow.session.flush()
    after = {"sits_on": sits_on.isoformat(), "capacity": capacity, "chair": sitting.chair}
    audit.record(uow.session, actor, "create", "marac_sitting", sitting.id, "one-off", after=after)
    uow.commit()
    return sitting


def change_sitting(
    uow: UnitOfWork,
    actor: Actor,
    sitting_id: int,
    expected_version: int | None,
    capacity: int,
    chair: str,
) -> MaracSitting:
    """Change a sitting's capacity or chair; never below the cases already listed on it."""
    require_meeting_staff(actor)
    sitting = load_sitting(uow.session, sitting_id, expected_version)
    listed = listed_count(uow.session, sitting_id)
    if capacity < max(1, listed):
        raise GuardFailed(f"{listed} cases are listed on this sitting: capacity cannot be less.")
    before = {"capacity": sitting.capacity, "chair": sitting.chair}
    sitting.capacity, sitting.chair, sitting.updated_at = capacity, chair.strip(), utcnow()
    after = {"capacity": sitting.capacity, "chair": sitting.chair}
    audit.record(uow.session, actor, "change", "marac_sitting", sitting_id, "", before, after)
    uow.commit()
    return sitting


def record_attendance(
    uow: UnitOfWork,
    actor: Actor,
    sitting_id: int,
    expected_version: int | None,
    agency: str,
    attendee: str,
    present: bool,
) -> Attendance:
    """Record who came for an agency (or that it sent no one); a second entry replaces it."""
    require_meeting_staff(actor)
    if not agency.strip():
        raise GuardFailed("Name the agency.")
    if present and not attendee.strip():
        raise GuardFailed("Give the name of the person who attended for the agency.")
    sitting = load_sitting(uow.session, sitting_id, expected_version)
    row = uow.session.exec(
        select(Attendance).where(
            col(Attendance.sitting_id) == sitting_id, col(Attendance.agency) == agency.strip()
        )
    ).first()
    before = {"attendee": row.attendee, "present": row.present} if row else None
    if row is None:
        row = Attendance(sitting_id=sitting_id, agency=agency.strip())
        uow.session.add(row)
    row.attendee, row.present = attendee.strip() if present else "", present
    sitting.updated_at = utcnow()  # the sitting's version guards its attendance too
    after = {"agency": row.agency, "attendee": row.attendee, "present": present}
    summary = f"attendance: {row.agency}"
    audit.record(uow.session, actor, "change", "marac_sitting", sitting_id, summary, before, after)
    uow.commit()
    return row


def attendance(session: Session, sitting_id: int) -> list[Attendance]:
    """Return the sitting's attendance by agency name."""
    query = select(Attendance).where(col(Attendance.sitting_id) == sitting_id)
    return list(session.exec(query.order_by(col(Attendance.agency))).all())
