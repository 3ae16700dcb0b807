"""After the meeting (issue 18): the minutes published to the invited agencies, the referrer told
the case was heard, and the referral closed when MARAC was its only service.

The referrer's mail says the reference and the date heard, nothing else, and goes only to an
address on the professional-domain list, as the acknowledgement does (a typed address could be
the perpetrator's). A case closes at MARAC when its listing is done — heard with no actions, or
every action done or closed with a reason — and the referral closes with it ("heard at MARAC")
only when it was allocated "MARAC only": a referral with an IDVA stays open for the IDVA's work.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from workflow.actors import Actor
from workflow.deadlines.working_time import LONDON, london_date
from workflow.errors import GuardFailed
from workflow.inbound import referrer_domains
from workflow.meetings.calendar import working_days_after
from workflow.meetings.models import MaracAction, MaracListing, MeetingState
from workflow.meetings.transitions import load_listing, require_meeting_staff
from workflow.models import Outbox, Referral, utcnow
from workflow.models.referral import Outcome, Pathway
from workflow.policy import CAMBS, Policy
from workflow.referrals.reference import subject_tag
from workflow.referrals.states import Event, State
from workflow.referrals.transitions import transition
from workflow.store import audit, outbox
from workflow.store.db import UnitOfWork

HEARD_STATES = frozenset({MeetingState.HEARD, MeetingState.ACTIONS_OPEN, MeetingState.DONE})


def minutes_due_on(heard_on: date, working_days: int) -> date:
    """Return the last day the minutes of a case heard on `heard_on` may be published."""
    return working_days_after(heard_on, working_days)


def publish_minutes(
    uow: UnitOfWork, actor: Actor, listing_id: int, expected_version: int | None
) -> MaracListing:
    """Make a heard case's minutes and action plan available to the sitting's invited agencies."""
    require_meeting_staff(actor)
    listing = load_listing(uow.session, listing_id, expected_version)
    if listing.state not in HEARD_STATES:
        raise GuardFailed("Record the hearing before publishing the minutes.")
    if listing.minutes_published_at is not None:
        raise GuardFailed("The minutes of this case are published already.")
    listing.minutes_published_at = listing.updated_at = utcnow()
    after = {"listing_id": listing_id, "minutes_published": True}
    summary = f"marac minutes published (listing {listing_id})"
    referral_id = listing.referral_id
    audit.record(uow.session, actor, "change", "referral", referral_id, summary, None, after)
    uow.commit()
    return listing


@dataclass(frozen=True)
class Minutes:
    """A heard case's minutes as the invited agencies see them once published."""

    heard_on: date
    risks: str
    outcome: str
    actions: tuple[MaracAction, ...]


def published_minutes(session: Session, listing_ids: Sequence[int]) -> dict[int, Minutes]:
    """Return listing id -> its minutes, for those of `listing_ids` whose minutes are published."""
    listings = session.exec(
        select(MaracListing).where(
            col(MaracListing.id).in_(listing_ids),
            col(MaracListing.minutes_published_at).is_not(None),
        )
    ).all()
    ids = [listing.id for listing in listings]
    plan: dict[int, list[MaracAction]] = {}
    query = select(MaracAction).where(col(MaracAction.listing_id).in_(ids))
    for action in session.exec(query.order_by(col(MaracAction.due_on), col(MaracAction.id))):
        plan.setdefault(action.listing_id, []).append(action)
    return {
        listing.id or 0: Minutes(
            listing.heard_on or date.min,
            listing.risks,
            listing.outcome,
            tuple(plan.get(listing.id or 0, [])),
        )
        for listing in listings
    }


def tell_referrer_heard(
    session: Session, referral: Referral, listing_id: int, heard_on: date, policy: Policy = CAMBS
) -> Outbox | None:
    """Queue "heard on <date>" to the referrer, once per listing; None when it must not go."""
    address = (referral.referrer_email or "").strip().lower()
    if not address or not referrer_domains.is_professional(session, address, policy):
        return None
    body = "\n\n".join(
        [
            "Dear colleague,",
            f"The referral {referral.reference} was heard at MARAC on {heard_on:%-d %B %Y}.",
            "Any actions for your agency come to you through your MARAC representative.",
            outbox.NO_VICTIM_DETAILS,
        ]
    )
    return outbox.enqueue(
        session,
        kind="marac_heard",
        to=[address],
        subject=f"{subject_tag(referral.reference)} Heard at MARAC on {heard_on:%-d %B %Y}",
        body_text=body + "\n",
        dedupe_key=f"marac-heard:{listing_id}",
        referral_id=referral.id,
    )


def close_if_marac_only(
    session: Session, listing: MaracListing, actor: Actor, policy: Policy = CAMBS
) -> bool:
    """Close the referral as heard at MARAC when its listing is done and it has no IDVA."""
    referral = session.get(Referral, listing.referral_id)
    if referral is None or listing.state is not MeetingState.DONE:
        return False
    marac_only = referral.allocated_idva_id is None and bool(referral.marac_only_reason)
    if referral.state is not State.ALLOCATED or not marac_only:
        return False
    before = {"outcome": referral.outcome.value if referral.outcome else None}
    referral.outcome = Outcome.HEARD_AT_MARAC
    reason = f"Done at MARAC (listing {listing.id}): MARAC only, every action ended"
    changed = (before, {"outcome": Outcome.HEARD_AT_MARAC.value})
    transition(session, referral, Event.CLOSE, actor, reason, policy, changed)
    return True


NOT_HEARD_IN_TIME = "not_heard_in_time"  # the queue's flag (workflow.queue.keys.FLAG_LABELS)


def heard_by(received_at: datetime, working_days: int) -> date:
    """Return the day by which a MARAC referral received at `received_at` should be heard."""
    return working_days_after(london_date(received_at), working_days)


def not_heard_in_time(
    pathway: Pathway, received_at: datetime, heard: bool, today: date, working_days: int
) -> bool:
    """Say whether a MARAC referral is past its "heard within" deadline and not heard yet."""
    if pathway is not Pathway.MARAC or heard:
        return False
    return today > heard_by(received_at, working_days)


def late_cutoff(today: date, working_days: int) -> datetime:
    """Return the instant before which a MARAC referral received, and not heard, is late today.

    Heard-by grows with the day received, so the late ones are those received up to the last
    day whose heard-by is before today: one comparison the queue's SQL can make.
    """
    day = today
    while working_days_after(day, working_days) >= today:
        day -= timedelta(days=1)
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=LONDON)


def not_heard_in_time_condition(today: date, working_days: int) -> sa.ColumnElement[bool]:
    """Return the SQL condition for a MARAC referral past its "heard within" deadline."""
    heard = (
        sa.exists()
        .where(
            col(MaracListing.referral_id) == col(Referral.id),
            col(MaracListing.heard_on).is_not(None),
        )
        .correlate(Referral)
    )
    return sa.and_(
        col(Referral.pathway) == Pathway.MARAC,
        col(Referral.received_at) < late_cutoff(today, working_days),
        ~heard,
    )


def not_heard_in_time_ids(
    session: Session, referral_ids: Sequence[int], today: date, working_days: int
) -> set[int]:
    """Return which of `referral_ids` are MARAC referrals past their "heard within" deadline."""
    if not referral_ids:
        return set()
    query = sa.select(col(Referral.id)).where(
        col(Referral.id).in_(referral_ids), not_heard_in_time_condition(today, working_days)
    )
    return set(session.execute(query).scalars())
