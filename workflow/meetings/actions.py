"""At and after the meeting: the hearing (risks and outcome), research by agencies, and the
action plan — each action with an owning agency, a description and a due date.

A case's listing is done when it was heard with no actions, or when every action is done or
closed with a reason; ending the last open action completes it in the same step, and a referral
allocated "MARAC only" closes with it (workflow/meetings/follow_up.py). Recording the hearing
tells the referrer the date it was heard.
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from workflow.actors import Actor
from workflow.errors import GuardFailed, NotFound
from workflow.meetings.follow_up import close_if_marac_only, tell_referrer_heard
from workflow.meetings.lifecycle import ActionEvent, MeetingEvent, next_action_state
from workflow.meetings.models import (
    ActionState,
    AgencyResearch,
    MaracAction,
    MaracListing,
    MeetingState,
)
from workflow.meetings.transitions import (
    check_version,
    load_listing,
    load_sitting,
    record_listing_change,
    require_meeting_staff,
)
from workflow.models import Referral, utcnow
from workflow.models.base import persisted_id
from workflow.policy import CAMBS, Policy
from workflow.store import audit
from workflow.store.db import UnitOfWork


@dataclass(frozen=True)
class NewAction:
    """An action the meeting agreed."""

    agency: str
    description: str
    due_on: date


def record_hearing(
    uow: UnitOfWork,
    actor: Actor,
    listing_id: int,
    expected_version: int | None,
    risks: str,
    outcome: str,
    today: date,
    policy: Policy = CAMBS,
) -> MaracListing:
    """Record that the case was heard (the risks identified and its outcome); tell the referrer."""
    require_meeting_staff(actor)
    if not outcome.strip():
        raise GuardFailed("Record the outcome of the case at MARAC.")
    session = uow.session
    listing = load_listing(session, listing_id, expected_version)
    sitting = load_sitting(session, listing.sitting_id, None)
    if sitting.sits_on > today:
        raise GuardFailed("The case cannot be heard before its sitting.")
    after = {"heard_on": sitting.sits_on.isoformat(), "risks": risks.strip()}
    after["outcome"] = outcome.strip()
    record_listing_change(session, listing, MeetingEvent.HEAR, actor, "Heard", ({}, after))
    listing.risks, listing.outcome = risks.strip(), outcome.strip()
    listing.heard_on = sitting.sits_on
    referral = session.get(Referral, listing.referral_id)
    if referral is not None:
        tell_referrer_heard(session, referral, listing_id, sitting.sits_on, policy)
    uow.commit()
    return listing


def add_action(
    uow: UnitOfWork,
    actor: Actor,
    listing_id: int,
    expected_version: int | None,
    action: NewAction,
) -> MaracAction:
    """Add an action to a heard case's action plan."""
    require_meeting_staff(actor)
    if not action.agency.strip():
        raise GuardFailed("Name the agency that owns the action.")
    if not action.description.strip():
        raise GuardFailed("Describe the action.")
    session = uow.session
    listing = load_listing(session, listing_id, expected_version)
    if listing.heard_on and action.due_on < listing.heard_on:
        raise GuardFailed("An action cannot be due before the case was heard.")
    row = MaracAction(
        listing_id=listing_id,
        agency=action.agency.strip(),
        description=action.description.strip(),
        due_on=action.due_on,
    )
    session.add(row)
    session.flush()
    after = {"action_id": row.id, "agency": row.agency, "due_on": row.due_on.isoformat()}
    record_listing_change(session, listing, MeetingEvent.ADD_ACTION, actor, row.agency, ({}, after))
    uow.commit()
    return row


def open_actions(session: Session, listing_id: int) -> int:
    """Count the listing's actions still open."""
    query = select(MaracAction.id).where(
        col(MaracAction.listing_id) == listing_id, col(MaracAction.state) == ActionState.OPEN
    )
    return len(session.exec(query).all())


def complete(
    uow: UnitOfWork,
    actor: Actor,
    listing_id: int,
    expected_version: int | None,
    policy: Policy = CAMBS,
) -> MaracListing:
    """Mark a heard case done at MARAC: it had no actions, or all are ended."""
    require_meeting_staff(actor)
    listing = load_listing(uow.session, listing_id, expected_version)
    if open_actions(uow.session, listing_id):
        raise GuardFailed("Every action must be done, or closed with a reason, first.")
    record_listing_change(uow.session, listing, MeetingEvent.COMPLETE, actor, "Done at MARAC")
    close_if_marac_only(uow.session, listing, actor, policy)
    uow.commit()
    return listing


def end_action(
    uow: UnitOfWork,
    actor: Actor,
    action_id: int,
    expected_version: int | None,
    event: ActionEvent,
    reason: str = "",
    policy: Policy = CAMBS,
) -> MaracAction:
    """Mark an action done, or close it with a reason; the last one ending completes the case."""
    require_meeting_staff(actor)
    session = uow.session
    action = session.get(MaracAction, action_id)
    if action is None:
        raise NotFound("No such action.")
    check_version(action, expected_version)
    if event is ActionEvent.CLOSE and not reason.strip():
        raise GuardFailed("Give the reason the action is closed without being done.")
    before = {"action_id": action_id, "action_state": action.state.value}
    action.state = next_action_state(action.state, event)
    action.closed_reason = reason.strip()
    action.ended_at = utcnow()
    listing = load_listing(session, action.listing_id, None)
    after = {"action_id": action_id, "action_state": action.state.value, "reason": reason.strip()}
    summary = f"marac action {action_id}: {before['action_state']} -> {action.state.value}"
    audit.record(session, actor, "change", "referral", listing.referral_id, summary, before, after)
    session.flush()
    last_ended = not open_actions(session, persisted_id(listing))
    if listing.state is MeetingState.ACTIONS_OPEN and last_ended:
        record_listing_change(session, listing, MeetingEvent.COMPLETE, actor, "Every action ended")
        close_if_marac_only(session, listing, actor, policy)
    uow.commit()
    return action


def add_research(
    uow: UnitOfWork,
    actor: Actor,
    listing_id: int,
    agency: str,
    known: bool,
    summary: str,
) -> AgencyResearch:
    """Add, as the coordinator, what an agency's records hold about a listed case.

    Agency representatives add their own through workflow.meetings.access, which checks their
    invitation and names their agency for them.
    """
    require_meeting_staff(actor)
    listing = uow.session.get(MaracListing, listing_id)
    if listing is None:
        raise NotFound("No such MARAC listing.")
    row = write_research(uow.session, actor, listing, agency, known, summary)
    uow.commit()
    return row


def write_research(
    session: Session,
    actor: Actor,
    listing: MaracListing,
    agency: str,
    known: bool,
    summary: str,
) -> AgencyResearch:
    """Add one research entry ("known to us: …" or not known) in the caller's transaction;
    the caller has checked the actor may."""
    if not agency.strip():
        raise GuardFailed("Name the agency.")
    if known and not summary.strip():
        raise GuardFailed("Say what your agency knows, or record the case as not known.")
    if listing.state is not MeetingState.LISTED:
        raise GuardFailed("Research can be added only while the case is listed.")
    row = AgencyResearch(
        listing_id=persisted_id(listing),
        agency=agency.strip(),
        known=known,
        summary=summary.strip() if known else "",
        author_id=actor.id,
        author_label=actor.label,
    )
    session.add(row)
    session.flush()
    after = {"research_id": row.id, "agency": row.agency, "known": known}
    referral_id = listing.referral_id
    audit.record(session, actor, "change", "referral", referral_id, "marac research", None, after)
    return row


def research_for(session: Session, listing_id: int) -> list[AgencyResearch]:
    """Return the research entries for a listing, in the order they were added."""
    query = select(AgencyResearch).where(col(AgencyResearch.listing_id) == listing_id)
    return list(session.exec(query.order_by(col(AgencyResearch.id))).all())


def actions_for(session: Session, listing_id: int) -> list[MaracAction]:
    """Return the listing's action plan, by due date."""
    query = select(MaracAction).where(col(MaracAction.listing_id) == listing_id)
    return list(session.exec(query.order_by(col(MaracAction.due_on), col(MaracAction.id))).all())
