"""The referrer's "referred to a MARAC before, here or elsewhere, and when?" (issue 15).

A date within 12 months makes a repeat MARAC a check for the coordinator, never "met": "met"
would let the case past the consent guard on the referrer's word alone.
"""

from datetime import date

import pytest

from workflow.policy import CAMBS
from workflow.rules import risk
from workflow.rules.evaluate import MARAC_CRITERIA, ReferralFacts, evaluate
from workflow.rules.outcome import Result

REFERRED = date(2026, 11, 20)  # this referral's date


@pytest.mark.parametrize(
    ("ours", "told", "result"),
    [
        (None, None, Result.NOT_MET),  # nothing anywhere
        (None, date(2026, 2, 3), Result.CHECK),  # told: inside the window
        (None, date(2025, 11, 20), Result.CHECK),  # 12 months to the day
        (None, date(2025, 11, 19), Result.NOT_MET),  # a day over 12 months
        (None, date(2026, 11, 20), Result.CHECK),  # the same day: a check, not met
        (None, date(2026, 11, 21), Result.NOT_MET),  # a future date: not a referral
        (date(2026, 1, 5), date(2026, 2, 3), Result.MET),  # our own record stands
    ],
)
def test_a_told_marac_referral_is_at_most_a_check(
    ours: date | None, told: date | None, result: Result
) -> None:
    # Incident the day before this referral: a further incident after any earlier referral.
    found = risk.repeat_as_told(
        risk.repeat_marac(ours, REFERRED, CAMBS, date(2026, 11, 19)), told, REFERRED, CAMBS
    )
    assert found.result is result
    if result is Result.CHECK:
        assert "The referrer says" in found.reason and told and told.isoformat() in found.reason


def test_a_told_referral_alone_never_meets_a_marac_criterion() -> None:
    facts = ReferralFacts(
        "marac",
        REFERRED,
        date(1990, 1, 1),
        "PE7 4TQ",
        "x@nhs.net",
        5,
        last_incident=date(2026, 11, 19),
        told_last_marac=date(2026, 6, 1),
    )
    outcomes = {o.rule: o.result for o in evaluate(facts, CAMBS)}
    assert outcomes["repeat_marac"] is Result.CHECK
    assert not any(outcomes[rule] is Result.MET for rule in MARAC_CRITERIA)
