"""Agency representatives (issue 18): who sees which sitting's cases, and when.

A representative sees only the cases listed at sittings they are invited to, from the agenda's
release (MARAC_AGENDA_RELEASE_WORKING_DAYS working days before the sitting) until
MARAC_AGENCY_ACCESS_DAYS_AFTER days after it, and only once they have accepted the
confidentiality statement for that sitting. They may add their own agency's research and
nothing else. Every look, and every refused look, is in the audit trail.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from workflow.actors import Actor
from workflow.errors import GuardFailed, NotFound, PermissionDenied
from workflow.meetings.actions import write_research
from workflow.meetings.agenda import Agenda, agenda
from workflow.meetings.calendar import SittingPattern, working_days_before
from workflow.meetings.follow_up import Minutes, published_minutes
from workflow.meetings.models import AgencyResearch, Invitation, MaracListing, MaracSitting
from workflow.meetings.transitions import load_sitting, require_meeting_staff
from workflow.models import User, utcnow
from workflow.models.staff import Role
from workflow.store import audit
from workflow.store.db import UnitOfWork

CONFIDENTIALITY_STATEMENT = (
    "I will use what I see here only to prepare for and take part in this MARAC. I will not "
    "copy, forward or discuss it outside the meeting and my agency's safeguarding work, and I "
    "will not contact the victim or the perpetrator because of it."
)


@dataclass(frozen=True)
class Window:
    """When an invited representative may see a sitting's cases, both days included."""

    opens: date
    closes: date

    def holds(self, today: date) -> bool:
        """Say whether `today` is inside the window."""
        return self.opens <= today <= self.closes


def window(sitting: MaracSitting, pattern: SittingPattern) -> Window:
    """Return the access window of a sitting under the settings' release and access days."""
    opens = working_days_before(sitting.sits_on, pattern.release_working_days)
    return Window(opens, sitting.sits_on + timedelta(days=pattern.access_days_after))


def invite(uow: UnitOfWork, actor: Actor, sitting_id: int, email: str, agency: str) -> Invitation:
    """Invite an agency representative's account to a sitting, for their agency."""
    require_meeting_staff(actor)
    if not agency.strip():
        raise GuardFailed("Name the agency the representative attends for.")
    session = uow.session
    load_sitting(session, sitting_id, None)
    user = session.exec(select(User).where(col(User.email) == email.strip().lower())).first()
    if user is None or not user.active or user.role is not Role.AGENCY:
        raise GuardFailed("Choose the email address of an active agency representative account.")
    found = session.exec(
        select(Invitation).where(
            col(Invitation.sitting_id) == sitting_id, col(Invitation.user_id) == user.id
        )
    ).first()
    if found is not None:
        raise GuardFailed(f"{user.email} is already invited to this sitting.")
    invitation = Invitation(sitting_id=sitting_id, user_id=user.id or 0, agency=agency.strip())
    session.add(invitation)
    session.flush()
    after = {"user": user.email, "agency": invitation.agency}
    audit.record(session, actor, "invite", "marac_sitting", sitting_id, user.email, None, after)
    uow.commit()
    return invitation


def invitations(session: Session, sitting_id: int) -> list[Invitation]:
    """Return a sitting's invitations by agency."""
    query = select(Invitation).where(col(Invitation.sitting_id) == sitting_id)
    return list(session.exec(query.order_by(col(Invitation.agency))).all())


def _refuse(uow: UnitOfWork, actor: Actor, sitting_id: int, why: str) -> PermissionDenied:
    # A refused look is kept too: an agency user trying other sittings is worth knowing about.
    audit.record(uow.session, actor, "view_refused", "marac_sitting", sitting_id, why)
    uow.commit()
    return PermissionDenied("You are not invited to this sitting, or its agenda is not open now.")


def _invitation(
    uow: UnitOfWork, actor: Actor, sitting_id: int, pattern: SittingPattern, today: date
) -> tuple[Invitation, MaracSitting]:
    if actor.role is not Role.AGENCY:
        raise PermissionDenied("Only agency representatives use these pages.")
    sitting = uow.session.get(MaracSitting, sitting_id)
    found = uow.session.exec(
        select(Invitation).where(
            col(Invitation.sitting_id) == sitting_id, col(Invitation.user_id) == actor.id
        )
    ).first()
    if sitting is None or found is None:
        raise _refuse(uow, actor, sitting_id, "not invited")
    if not window(sitting, pattern).holds(today):
        raise _refuse(uow, actor, sitting_id, "outside the access window")
    return found, sitting


@dataclass(frozen=True)
class InvitedSitting:
    """A sitting an agency representative is invited to, and whether it is open to them now."""

    sitting: MaracSitting
    agency: str
    window: Window
    open_now: bool
    accepted: bool


def my_sittings(
    uow: UnitOfWork, actor: Actor, pattern: SittingPattern, today: date
) -> list[InvitedSitting]:
    """Return the sittings the representative is invited to whose access has not ended."""
    if actor.role is not Role.AGENCY:
        raise PermissionDenied("Only agency representatives use these pages.")
    rows = uow.session.exec(
        select(Invitation, MaracSitting)
        .join(MaracSitting, col(MaracSitting.id) == col(Invitation.sitting_id))
        .where(col(Invitation.user_id) == actor.id)
        .order_by(col(MaracSitting.sits_on))
    ).all()
    found = []
    for invitation, sitting in rows:
        opening = window(sitting, pattern)
        if today <= opening.closes:
            accepted = invitation.confidentiality_accepted_at is not None
            found.append(
                InvitedSitting(sitting, invitation.agency, opening, opening.holds(today), accepted)
            )
    return found


def accept_confidentiality(
    uow: UnitOfWork, actor: Actor, sitting_id: int, pattern: SittingPattern, today: date
) -> Invitation:
    """Record that the representative accepted the confidentiality statement for a sitting."""
    invitation, _ = _invitation(uow, actor, sitting_id, pattern, today)
    if invitation.confidentiality_accepted_at is None:
        invitation.confidentiality_accepted_at = utcnow()
        audit.record(uow.session, actor, "accept_confidentiality", "marac_sitting", sitting_id, "")
    uow.commit()
    return invitation


@dataclass(frozen=True)
class AgencyAgenda:
    """A sitting's agenda as an invited agency sees it, with its own research so far and each
    case's minutes and action plan once the coordinator has published them."""

    agenda: Agenda
    agency: str
    research: dict[int, list[AgencyResearch]]
    minutes: dict[int, Minutes]


def agency_agenda(
    uow: UnitOfWork, actor: Actor, sitting_id: int, pattern: SittingPattern, today: date
) -> AgencyAgenda:
    """Return the agenda to an invited representative inside the window who has accepted the
    confidentiality statement; the look is audited with the referrals shown."""
    invitation, _ = _invitation(uow, actor, sitting_id, pattern, today)
    if invitation.confidentiality_accepted_at is None:
        raise GuardFailed("Accept the confidentiality statement to see the agenda.")
    shown = agenda(uow, actor, sitting_id, page="agency agenda")
    ids = [case.listing_id for case in shown.cases]
    entries = uow.session.exec(
        select(AgencyResearch)
        .where(
            col(AgencyResearch.listing_id).in_(ids),
            col(AgencyResearch.agency) == invitation.agency,
        )
        .order_by(col(AgencyResearch.id))
    ).all()
    research: dict[int, list[AgencyResearch]] = {}
    for entry in entries:
        research.setdefault(entry.listing_id, []).append(entry)
    minutes = published_minutes(uow.session, ids)
    return AgencyAgenda(shown, invitation.agency, research, minutes)


def add_agency_research(
    uow: UnitOfWork,
    actor: Actor,
    listing_id: int,
    known: bool,
    summary: str,
    pattern: SittingPattern,
    today: date,
) -> AgencyResearch:
    """Add the representative's own agency's research to a case on a sitting they may see."""
    listing = uow.session.get(MaracListing, listing_id)
    if listing is None:
        raise NotFound("No such MARAC listing.")
    invitation, _ = _invitation(uow, actor, listing.sitting_id, pattern, today)
    if invitation.confidentiality_accepted_at is None:
        raise GuardFailed("Accept the confidentiality statement first.")
    row = write_research(uow.session, actor, listing, invitation.agency, known, summary)
    uow.commit()
    return row
