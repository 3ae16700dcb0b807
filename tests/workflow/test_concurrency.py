"""Two people acting on one referral at once, on separate connections with real commits."""

import pytest

from tests.factories import actor_for, make_referral, make_user
from workflow.errors import StaleReferral
from workflow.models import Referral
from workflow.models.referral import Consent, Outcome
from workflow.models.staff import Role
from workflow.referrals import casework
from workflow.referrals.casework import ConsentDecision
from workflow.referrals.states import State
from workflow.store.db import Database


def test_the_second_of_two_simultaneous_changes_is_refused(committed_database: Database) -> None:
    db = committed_database
    coordinator = actor_for(make_user(db, Role.COORDINATOR))
    referral = make_referral(db)
    # Both load the same version; neither passes a version, so only the database can tell.
    first, second = db.uow(), db.uow()
    with first, second:
        a = casework.load(first.session, referral.id, None)
        b = casework.load(second.session, referral.id, None)
        assert a.version == b.version
        casework.check_consent(first, coordinator, a.id, None, ConsentDecision(Consent.GIVEN))
        with pytest.raises(StaleReferral):
            casework.close(second, coordinator, b.id, None, Outcome.DUPLICATE)
    with db.uow() as uow:
        stored = uow.session.get(Referral, referral.id)
        assert stored.state is State.CONSENT_CHECKED
        assert stored.version == referral.version + 1
