"""Every (state, event) pair, allowed and refused, through the one transition table."""

import pytest

from workflow.errors import TransitionNotAllowed
from workflow.referrals.states import Event, State, allowed_events, next_state

ALLOWED = {
    (State.RECEIVED, Event.CHECK_CONSENT): State.CONSENT_CHECKED,
    (State.RECEIVED, Event.CLOSE): State.CLOSED,
    (State.CONSENT_CHECKED, Event.ALLOCATE): State.ALLOCATED,
    (State.CONSENT_CHECKED, Event.CLOSE): State.CLOSED,
    (State.ALLOCATED, Event.REALLOCATE): State.ALLOCATED,
    (State.ALLOCATED, Event.CLOSE): State.CLOSED,
    (State.CLOSED, Event.REOPEN): State.RECEIVED,
}
PAIRS = [(state, event) for state in State for event in Event]


@pytest.mark.parametrize(("state", "event"), PAIRS, ids=[f"{s}-{e}" for s, e in PAIRS])
def test_every_state_event_pair(state: State, event: Event) -> None:
    if (state, event) in ALLOWED:
        assert next_state(state, event) is ALLOWED[(state, event)]
    else:
        with pytest.raises(TransitionNotAllowed, match="cannot be"):
            next_state(state, event)


def test_allowed_events_offers_only_what_the_table_allows() -> None:
    for state in State:
        assert set(allowed_events(state)) == {e for (s, e) in ALLOWED if s is state}
