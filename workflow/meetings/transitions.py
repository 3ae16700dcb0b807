"""The one path by which a listing moves through the meeting lifecycle, with its history.

As workflow/referrals/transitions.py does for the referral: the table decides, a ListingChange
row and an audit event on the referral are written in the caller's transaction, and the
listing's version column refuses a concurrent change at commit.
"""

from typing import Any

from sqlmodel import Session

from workflow.actors import Actor
from workflow.errors import NotFound, PermissionDenied, StaleReferral
from workflow.meetings.lifecycle import MeetingEvent, next_meeting_state
from workflow.meetings.models import ListingChange, MaracAction, MaracListing, MaracSitting
from workflow.models import utcnow
from workflow.models.base import persisted_id
from workflow.permissions import MEETING_STAFF
from workflow.store import audit

# The MARAC coordinator runs the meetings; a manager may stand in (as in casework).


def require_meeting_staff(actor: Actor) -> None:
    """Refuse an actor whose role does not run MARAC meetings."""
    if actor.role not in MEETING_STAFF:
        raise PermissionDenied("Only the MARAC coordinator or a manager can do this.")


def check_version(row: MaracListing | MaracSitting | MaracAction, expected: int | None) -> None:
    """Refuse to act on a row someone else changed since this actor loaded it."""
    if expected is not None and row.version != expected:
        raise StaleReferral()


def load_listing(session: Session, listing_id: int, expected_version: int | None) -> MaracListing:
    """Load a listing for a change, refusing a stale version."""
    listing = session.get(MaracListing, listing_id)
    if listing is None:
        raise NotFound("No such MARAC listing.")
    check_version(listing, expected_version)
    return listing


def load_sitting(session: Session, sitting_id: int, expected_version: int | None) -> MaracSitting:
    """Load a sitting, refusing a stale version."""
    sitting = session.get(MaracSitting, sitting_id)
    if sitting is None:
        raise NotFound("No such MARAC sitting.")
    check_version(sitting, expected_version)
    return sitting


def record_listing_change(
    session: Session,
    listing: MaracListing,
    event: MeetingEvent,
    actor: Actor,
    reason: str = "",
    changed: tuple[dict[str, Any], dict[str, Any]] | None = None,
) -> ListingChange:
    """Move the listing along the table (a new listing enters at listed) and write its history.

    The audit event is on the referral, so the referral's own trail shows its MARAC history.
    """
    from_state = None if event is MeetingEvent.LIST else listing.state
    if from_state is not None:
        listing.state = next_meeting_state(from_state, event)
    listing.updated_at = utcnow()
    change = ListingChange(
        listing_id=persisted_id(listing),
        from_state=from_state,
        to_state=listing.state,
        event=event.value,
        actor_id=actor.id,
        actor_label=actor.label,
        reason=reason[:2000],
    )
    session.add(change)
    before, after = changed or ({}, {})
    was = from_state.value if from_state else "none"
    audit.referral_changed(
        session,
        actor,
        listing.referral_id,
        f"marac {event.value}: {was} -> {listing.state.value} (listing {listing.id})",
        before={"marac_state": from_state.value if from_state else None, **before},
        after={"marac_state": listing.state.value, **after},
    )
    return change
