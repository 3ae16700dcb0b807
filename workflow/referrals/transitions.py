"""The one path by which a referral changes state, writing its history in the same transaction."""

from typing import Any

from sqlmodel import Session

from workflow.actors import Actor
from workflow.deadlines.steps import note_state_entered, refresh_deadline
from workflow.errors import StaleReferral
from workflow.models import Referral, StateChange, utcnow
from workflow.models.base import persisted_id
from workflow.policy import CAMBS, Policy
from workflow.referrals.states import Event, State, next_state
from workflow.store import audit


def check_version(referral: Referral, expected_version: int | None) -> None:
    """Refuse to act on a referral someone else changed since this actor loaded it."""
    if expected_version is not None and referral.version != expected_version:
        raise StaleReferral()


def transition(
    session: Session,
    referral: Referral,
    event: Event,
    actor: Actor,
    reason: str = "",
    policy: Policy = CAMBS,
    changed: tuple[dict[str, Any], dict[str, Any]] | None = None,
) -> StateChange:
    """Move the referral along the transition table and append a StateChange row; `changed`
    holds the fields the same step changed (before, after), audited with the state."""
    from_state = State(referral.state)
    before, after = changed or ({}, {})
    referral.state = next_state(from_state, event)
    referral.updated_at = utcnow()
    if referral.state is State.CLOSED:
        referral.closed_at = referral.updated_at
    # A reallocation keeps the first-contact clock of the allocation; it still counts as activity.
    if referral.state is not from_state:
        note_state_entered(referral, referral.updated_at)
    referral.last_activity_at = referral.updated_at
    refresh_deadline(referral, policy)
    change = StateChange(
        referral_id=persisted_id(referral),
        from_state=from_state,
        to_state=referral.state,
        event=event.value,
        actor_id=actor.id,
        actor_label=actor.label,
        reason=reason[:2000],
    )
    session.add(change)
    audit.referral_changed(
        session,
        actor,
        referral.id,
        f"{event.value}: {from_state.value} -> {referral.state.value}",
        before={"state": from_state.value, **before},
        after={"state": referral.state.value, **after},
    )
    return change
