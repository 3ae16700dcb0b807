"""Listing a MARAC referral on a sitting, adjourning it and re-listing it.

A MARAC-pathway referral that has passed its consent check goes on the next sitting with space,
or on one the coordinator chooses. Adjourning ends that listing where it is; re-listing makes a
new listing pointing back to it, so the case's path through the sittings is never rewritten.
"""

from datetime import date, timedelta

from sqlmodel import Session, col, select

from workflow.actors import Actor
from workflow.errors import GuardFailed, NotFound, StaleReferral
from workflow.meetings.calendar import SittingPattern
from workflow.meetings.lifecycle import ACTIVE_MEETING_STATES, MeetingEvent
from workflow.meetings.models import MaracListing, MaracSitting, MeetingState
from workflow.meetings.sittings import HORIZON_WEEKS, ensure_sittings, listed_count
from workflow.meetings.transitions import (
    load_listing,
    load_sitting,
    record_listing_change,
    require_meeting_staff,
)
from workflow.models import Referral, utcnow
from workflow.models.base import persisted_id
from workflow.models.referral import Pathway
from workflow.referrals.states import State
from workflow.store.db import UnitOfWork

# Past the consent check and not closed: the referral states a case may be listed from.
LISTABLE_STATES = frozenset({State.CONSENT_CHECKED, State.ALLOCATED})


def active_listing(session: Session, referral_id: int) -> MaracListing | None:
    """Return the referral's listing that holds a place (not adjourned), if any."""
    query = select(MaracListing).where(
        col(MaracListing.referral_id) == referral_id,
        col(MaracListing.state).in_([s.value for s in ACTIVE_MEETING_STATES]),
    )
    return session.exec(query).first()


def listings_of(session: Session, referral_id: int) -> list[MaracListing]:
    """Return every listing of the referral, oldest first: its history at MARAC."""
    query = select(MaracListing).where(col(MaracListing.referral_id) == referral_id)
    return list(session.exec(query.order_by(col(MaracListing.id))).all())


def next_sitting_with_space(
    session: Session, pattern: SittingPattern, today: date, after: date | None = None
) -> MaracSitting:
    """Return the first sitting after `today` (and after `after`) that has room for a case."""
    start = max(today, after or today) + timedelta(days=1)
    ensure_sittings(session, pattern, start, start + timedelta(weeks=HORIZON_WEEKS))
    query = select(MaracSitting).where(col(MaracSitting.sits_on) >= start)
    for sitting in session.exec(query.order_by(col(MaracSitting.sits_on), col(MaracSitting.id))):
        if listed_count(session, persisted_id(sitting)) < sitting.capacity:
            return sitting
    raise GuardFailed(
        f"No sitting in the next {HORIZON_WEEKS} weeks has room: add a one-off sitting or raise a "
        "sitting's capacity."
    )


def _chosen_sitting(session: Session, sitting_id: int, today: date) -> MaracSitting:
    sitting = load_sitting(session, sitting_id, None)
    if sitting.sits_on < today:
        raise GuardFailed("That sitting has already taken place: choose a later one.")
    if listed_count(session, sitting_id) >= sitting.capacity:
        raise GuardFailed(f"The sitting on {sitting.sits_on:%d %B %Y} is full: choose another one.")
    return sitting


def _place(
    session: Session,
    actor: Actor,
    referral: Referral,
    sitting: MaracSitting,
    reason: str,
    relisted_from: MaracListing | None = None,
) -> MaracListing:
    listing = MaracListing(
        referral_id=persisted_id(referral),
        sitting_id=persisted_id(sitting),
        relisted_from_id=relisted_from.id if relisted_from else None,
    )
    session.add(listing)
    # Touching the sitting raises its version, so two coordinators filling its last place at
    # once cannot both succeed: the second commit is refused as stale.
    sitting.updated_at = utcnow()
    session.flush()
    # The queue's MARAC date follows the listing.
    before = {"meeting_date": referral.meeting_date.isoformat() if referral.meeting_date else None}
    referral.meeting_date = sitting.sits_on
    referral.updated_at = utcnow()
    after = {"meeting_date": sitting.sits_on.isoformat(), "sitting_id": sitting.id}
    record_listing_change(session, listing, MeetingEvent.LIST, actor, reason, (before, after))
    return listing


def _listable_referral(
    session: Session, referral_id: int, expected_version: int | None
) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFound("No such referral.")
    if expected_version is not None and referral.version != expected_version:
        raise StaleReferral()
    if referral.pathway is not Pathway.MARAC:
        raise GuardFailed("Only a MARAC referral can be listed at MARAC.")
    if referral.state not in LISTABLE_STATES:
        raise GuardFailed("Check consent before listing the referral at MARAC.")
    if active_listing(session, referral_id) is not None:
        raise GuardFailed("This referral is already listed at MARAC.")
    return referral


def list_referral(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int,
    expected_version: int | None,
    pattern: SittingPattern,
    today: date,
    sitting_id: int | None = None,
) -> MaracListing:
    """List the referral on the chosen sitting, else on the next one with space."""
    require_meeting_staff(actor)
    session = uow.session
    referral = _listable_referral(session, referral_id, expected_version)
    if sitting_id is None:
        sitting = next_sitting_with_space(session, pattern, today)
    else:
        sitting = _chosen_sitting(session, sitting_id, today)
    listing = _place(session, actor, referral, sitting, f"Listed for {sitting.sits_on}")
    uow.commit()
    return listing


def adjourn(
    uow: UnitOfWork,
    actor: Actor,
    listing_id: int,
    expected_version: int | None,
    reason: str,
    pattern: SittingPattern,
    today: date,
    relist: bool = True,
    sitting_id: int | None = None,
) -> MaracListing:
    """Adjourn a listed case with a reason; re-list it (by default on the next sitting with
    space after this one, or the chosen one) in the same step. Returns the listing that now
    holds the case, or the adjourned one when it is not re-listed."""
    require_meeting_staff(actor)
    if not reason.strip():
        raise GuardFailed("Give the reason the case is adjourned.")
    session = uow.session
    listing = load_listing(session, listing_id, expected_version)
    record_listing_change(session, listing, MeetingEvent.ADJOURN, actor, reason.strip())
    session.flush()
    result = listing
    if relist:
        result = _relist(session, actor, listing, pattern, today, sitting_id)
    uow.commit()
    return result


def relist(
    uow: UnitOfWork,
    actor: Actor,
    listing_id: int,
    expected_version: int | None,
    pattern: SittingPattern,
    today: date,
    sitting_id: int | None = None,
) -> MaracListing:
    """Re-list an adjourned case that was left without a sitting."""
    require_meeting_staff(actor)
    listing = load_listing(uow.session, listing_id, expected_version)
    if listing.state is not MeetingState.ADJOURNED:
        raise GuardFailed("Only an adjourned case can be re-listed.")
    relisted = _relist(uow.session, actor, listing, pattern, today, sitting_id)
    uow.commit()
    return relisted


def _relist(
    session: Session,
    actor: Actor,
    adjourned: MaracListing,
    pattern: SittingPattern,
    today: date,
    sitting_id: int | None,
) -> MaracListing:
    taken = select(MaracListing.id).where(col(MaracListing.relisted_from_id) == adjourned.id)
    if session.exec(taken).first() is not None:
        raise GuardFailed("This adjourned listing has been re-listed already.")
    referral = _listable_referral(session, adjourned.referral_id, None)
    if sitting_id is None:
        old = load_sitting(session, adjourned.sitting_id, None)
        sitting = next_sitting_with_space(session, pattern, today, after=old.sits_on)
    else:
        sitting = _chosen_sitting(session, sitting_id, today)
        if sitting.id == adjourned.sitting_id:
            raise GuardFailed("Choose another sitting than the one the case was adjourned from.")
    reason = f"Re-listed for {sitting.sits_on} (adjourned from listing {adjourned.id})"
    return _place(session, actor, referral, sitting, reason, relisted_from=adjourned)
