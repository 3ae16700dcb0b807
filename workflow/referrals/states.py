"""The referral state machine: one explicit transition table and one function that applies it."""

from enum import StrEnum

from workflow.errors import TransitionNotAllowed


class State(StrEnum):
    RECEIVED = "received"
    CONSENT_CHECKED = "consent_checked"
    ALLOCATED = "allocated"
    CLOSED = "closed"


class Event(StrEnum):
    CHECK_CONSENT = "check_consent"
    ALLOCATE = "allocate"
    REALLOCATE = "reallocate"
    CLOSE = "close"
    REOPEN = "reopen"


# (from, event) -> to. Anything absent is refused. Closing is allowed from every open state because
# a referral can end at any point (no consent, duplicate, not eligible); reopening returns a closed
# referral to the start so it is checked again rather than resuming with stale decisions.
TRANSITIONS: dict[tuple[State, Event], State] = {
    (State.RECEIVED, Event.CHECK_CONSENT): State.CONSENT_CHECKED,
    (State.RECEIVED, Event.CLOSE): State.CLOSED,
    (State.CONSENT_CHECKED, Event.ALLOCATE): State.ALLOCATED,
    (State.CONSENT_CHECKED, Event.CLOSE): State.CLOSED,
    (State.ALLOCATED, Event.REALLOCATE): State.ALLOCATED,
    (State.ALLOCATED, Event.CLOSE): State.CLOSED,
    (State.CLOSED, Event.REOPEN): State.RECEIVED,
}

STATE_LABELS = {
    State.RECEIVED: "received",
    State.CONSENT_CHECKED: "consent checked",
    State.ALLOCATED: "allocated",
    State.CLOSED: "closed",
}
EVENT_LABELS = {
    Event.CHECK_CONSENT: "consent checked",
    Event.ALLOCATE: "allocated",
    Event.REALLOCATE: "reallocated",
    Event.CLOSE: "closed",
    Event.REOPEN: "reopened",
}

OPEN_STATES = frozenset({State.RECEIVED, State.CONSENT_CHECKED, State.ALLOCATED})


def next_state(current: State, event: Event) -> State:
    """Return the state `event` leads to from `current`, or raise TransitionNotAllowed."""
    try:
        return TRANSITIONS[(current, event)]
    except KeyError:
        raise TransitionNotAllowed(
            f"A referral that is {STATE_LABELS[current]} cannot be {EVENT_LABELS[event]}."
        ) from None


def allowed_events(current: State) -> list[Event]:
    """List the events the table allows from `current`, for offering only allowed actions."""
    return [event for (state, event) in TRANSITIONS if state == current]
