"""Every (state, event) pair of the meeting lifecycle and the action lifecycle, through their
own transition tables (issue 18), as tests/workflow/test_states.py does for the referral."""

import pytest

from workflow.errors import TransitionNotAllowed
from workflow.meetings.lifecycle import (
    ActionEvent,
    MeetingEvent,
    allowed_meeting_events,
    next_action_state,
    next_meeting_state,
)
from workflow.meetings.models import ActionState, MeetingState

L, A, H, OPEN, D = (
    MeetingState.LISTED,
    MeetingState.ADJOURNED,
    MeetingState.HEARD,
    MeetingState.ACTIONS_OPEN,
    MeetingState.DONE,
)
LISTING_ALLOWED = {
    (L, MeetingEvent.HEAR): H,
    (L, MeetingEvent.ADJOURN): A,
    (H, MeetingEvent.ADD_ACTION): OPEN,
    (H, MeetingEvent.COMPLETE): D,
    (OPEN, MeetingEvent.ADD_ACTION): OPEN,
    (OPEN, MeetingEvent.COMPLETE): D,
}
# LIST is how a listing is born, never a move from a state.
LISTING_PAIRS = [(s, e) for s in MeetingState for e in MeetingEvent if e is not MeetingEvent.LIST]

ACTION_ALLOWED = {
    (ActionState.OPEN, ActionEvent.DONE): ActionState.DONE,
    (ActionState.OPEN, ActionEvent.CLOSE): ActionState.CLOSED,
}
ACTION_PAIRS = [(s, e) for s in ActionState for e in ActionEvent]


@pytest.mark.parametrize(
    ("state", "event"), LISTING_PAIRS, ids=[f"{s}-{e}" for s, e in LISTING_PAIRS]
)
def test_every_listing_state_event_pair(state: MeetingState, event: MeetingEvent) -> None:
    if (state, event) in LISTING_ALLOWED:
        assert next_meeting_state(state, event) is LISTING_ALLOWED[(state, event)]
    else:
        with pytest.raises(TransitionNotAllowed, match="at MARAC cannot be"):
            next_meeting_state(state, event)


@pytest.mark.parametrize(
    ("state", "event"), ACTION_PAIRS, ids=[f"{s}-{e}" for s, e in ACTION_PAIRS]
)
def test_every_action_state_event_pair(state: ActionState, event: ActionEvent) -> None:
    if (state, event) in ACTION_ALLOWED:
        assert next_action_state(state, event) is ACTION_ALLOWED[(state, event)]
    else:
        with pytest.raises(TransitionNotAllowed, match="An action that is"):
            next_action_state(state, event)


def test_allowed_events_offer_only_what_the_table_allows() -> None:
    for state in MeetingState:
        assert set(allowed_meeting_events(state)) == {e for (s, e) in LISTING_ALLOWED if s is state}


def test_adjourned_and_done_are_ends() -> None:
    assert allowed_meeting_events(MeetingState.ADJOURNED) == []
    assert allowed_meeting_events(MeetingState.DONE) == []
