"""The meeting lifecycle: its own explicit transition tables, apart from the referral's.

A listing goes listed → heard → actions open → done (heard with no actions goes straight to
done); a listed case may be adjourned instead, which ends that listing (it is re-listed as a new
one). An action is open until it is done or closed with a reason. Anything absent is refused.
"""

from enum import StrEnum

from workflow.errors import TransitionNotAllowed
from workflow.meetings.models import ActionState, MeetingState


class MeetingEvent(StrEnum):
    LIST = "list"
    ADJOURN = "adjourn"
    HEAR = "hear"
    ADD_ACTION = "add_action"
    COMPLETE = "complete"


class ActionEvent(StrEnum):
    DONE = "done"
    CLOSE = "close"


LISTING_TRANSITIONS: dict[tuple[MeetingState, MeetingEvent], MeetingState] = {
    (MeetingState.LISTED, MeetingEvent.HEAR): MeetingState.HEARD,
    (MeetingState.LISTED, MeetingEvent.ADJOURN): MeetingState.ADJOURNED,
    (MeetingState.HEARD, MeetingEvent.ADD_ACTION): MeetingState.ACTIONS_OPEN,
    (MeetingState.HEARD, MeetingEvent.COMPLETE): MeetingState.DONE,
    (MeetingState.ACTIONS_OPEN, MeetingEvent.ADD_ACTION): MeetingState.ACTIONS_OPEN,
    # Guarded in the use case: only when no action is still open.
    (MeetingState.ACTIONS_OPEN, MeetingEvent.COMPLETE): MeetingState.DONE,
}

ACTION_TRANSITIONS: dict[tuple[ActionState, ActionEvent], ActionState] = {
    (ActionState.OPEN, ActionEvent.DONE): ActionState.DONE,
    (ActionState.OPEN, ActionEvent.CLOSE): ActionState.CLOSED,
}

MEETING_STATE_LABELS = {
    MeetingState.LISTED: "listed",
    MeetingState.ADJOURNED: "adjourned",
    MeetingState.HEARD: "heard",
    MeetingState.ACTIONS_OPEN: "actions open",
    MeetingState.DONE: "done",
}
MEETING_EVENT_LABELS = {
    MeetingEvent.LIST: "listed",
    MeetingEvent.ADJOURN: "adjourned",
    MeetingEvent.HEAR: "heard",
    MeetingEvent.ADD_ACTION: "given an action",
    MeetingEvent.COMPLETE: "completed",
}
ACTION_STATE_LABELS = {
    ActionState.OPEN: "open",
    ActionState.DONE: "done",
    ActionState.CLOSED: "closed",
}
ACTION_EVENT_LABELS = {ActionEvent.DONE: "marked done", ActionEvent.CLOSE: "closed"}

# A listing in one of these still holds its place on the sitting and keeps the case from being
# listed again; an adjourned one does neither.
ACTIVE_MEETING_STATES = frozenset(
    {MeetingState.LISTED, MeetingState.HEARD, MeetingState.ACTIONS_OPEN, MeetingState.DONE}
)


def next_meeting_state(current: MeetingState, event: MeetingEvent) -> MeetingState:
    """Return the state `event` leads a listing to from `current`, or raise TransitionNotAllowed."""
    try:
        return LISTING_TRANSITIONS[(current, event)]
    except KeyError:
        raise TransitionNotAllowed(
            f"A case that is {MEETING_STATE_LABELS[current]} at MARAC cannot be "
            f"{MEETING_EVENT_LABELS[event]}."
        ) from None


def next_action_state(current: ActionState, event: ActionEvent) -> ActionState:
    """Return the state `event` leads an action to from `current`, or raise TransitionNotAllowed."""
    try:
        return ACTION_TRANSITIONS[(current, event)]
    except KeyError:
        raise TransitionNotAllowed(
            f"An action that is {ACTION_STATE_LABELS[current]} cannot be "
            f"{ACTION_EVENT_LABELS[event]}."
        ) from None


def allowed_meeting_events(current: MeetingState) -> list[MeetingEvent]:
    """List the events the table allows a listing in `current`, to offer only those."""
    return [event for (state, event) in LISTING_TRANSITIONS if state == current]
