"""Closure outcomes by pathway: "heard at MARAC" is for MARAC referrals only (issue 15)."""

import pytest

from tests.factories import actor_for, make_referral, make_user
from workflow.errors import GuardFailed
from workflow.models import Referral
from workflow.models.referral import Outcome, Pathway
from workflow.models.staff import Role
from workflow.referrals import casework
from workflow.referrals.states import State
from workflow.rules.closure import closure_refusal
from workflow.store.db import Database

EVERY = [(p, o) for p in Pathway for o in Outcome]


def _allowed(pathway: Pathway, outcome: Outcome) -> bool:
    return not (pathway is Pathway.STALKING_IDVA and outcome is Outcome.HEARD_AT_MARAC)


@pytest.mark.parametrize(("pathway", "outcome"), EVERY)
def test_every_pathway_and_outcome(pathway: Pathway, outcome: Outcome) -> None:
    refusal = closure_refusal(pathway, outcome)
    assert (refusal is None) is _allowed(pathway, outcome)


@pytest.mark.parametrize(
    ("pathway", "outcome"),
    [
        (Pathway.STALKING_IDVA, Outcome.HEARD_AT_MARAC),
        (Pathway.MARAC, Outcome.HEARD_AT_MARAC),
        (Pathway.STALKING_IDVA, Outcome.SUPPORT_COMPLETED),
    ],
)
def test_closing_a_referral_follows_the_table(
    database: Database, pathway: Pathway, outcome: Outcome
) -> None:
    coordinator = actor_for(make_user(database, Role.COORDINATOR))
    referral = make_referral(database, pathway=pathway, dash_yes=None)
    with database.uow() as uow:
        if _allowed(pathway, outcome):
            casework.close(uow, coordinator, referral.id, None, outcome)
        else:
            with pytest.raises(GuardFailed, match="not heard at MARAC"):
                casework.close(uow, coordinator, referral.id, None, outcome)
    with database.uow() as uow:
        stored = uow.session.get(Referral, referral.id)
        assert stored is not None
        closed = _allowed(pathway, outcome)
        assert (stored.state is State.CLOSED, stored.outcome) == (
            closed,
            outcome if closed else None,
        )
