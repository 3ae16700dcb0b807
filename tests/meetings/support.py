"""The meeting tests' fixed calendar and a consent-checked MARAC case."""

from datetime import date

from tests.factories import make_referral
from workflow.actors import Actor
from workflow.meetings.calendar import SittingPattern
from workflow.models import Referral
from workflow.models.referral import Consent
from workflow.referrals import casework
from workflow.referrals.casework import ConsentDecision
from workflow.store.db import Database

# Fortnightly on Tuesdays: 2 March 2027, 16 March, 30 March... Today is the day before the first.
PATTERN = SittingPattern(weekday=1, every_weeks=2, anchor=date(2026, 1, 6), capacity=2)
TODAY = date(2027, 3, 1)
FIRST, SECOND, THIRD = date(2027, 3, 2), date(2027, 3, 16), date(2027, 3, 30)


def checked_referral(database: Database, coordinator: Actor, **fields: object) -> Referral:
    """A MARAC referral past its consent check."""
    referral = make_referral(database, **fields)
    with database.uow() as uow:
        return casework.check_consent(
            uow, coordinator, referral.id or 0, referral.version, ConsentDecision(Consent.GIVEN)
        )
