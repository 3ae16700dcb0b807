"""Coordinator prompts through the real intake: relationship "Other" and 16/17-year-old victims."""

from datetime import UTC, date, datetime

import pytest

from tests.factories import make_referral
from workflow.models import Referral
from workflow.models.referral import Pathway
from workflow.store.db import Database

RECEIVED = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def outcomes(referral: Referral) -> dict[str, str]:
    return {o["rule"]: o["result"] for o in referral.rule_outcomes}


@pytest.mark.parametrize(
    ("relationship", "flagged"),
    [("partner", False), ("other", True), ("Other (lodger)", True), ("", False)],
)
def test_a_marac_perpetrator_related_as_other_is_flagged(
    database: Database, relationship: str, flagged: bool
) -> None:
    perpetrator = {"name": "Dan Kerr", "age": 40, "relationship_to_victim": relationship}
    referral = make_referral(database, perpetrators=[perpetrator], received_at=RECEIVED)
    assert (outcomes(referral).get("relationship") == "check") is flagged


@pytest.mark.parametrize("pathway", [Pathway.MARAC, Pathway.STALKING_IDVA])
@pytest.mark.parametrize(
    ("born", "prompted"),
    [(date(2010, 11, 28), True), (date(2008, 11, 29), True), (date(2008, 11, 28), False)],
)
def test_a_victim_of_16_or_17_prompts_a_safeguarding_referral_check(
    database: Database, pathway: Pathway, born: date, prompted: bool
) -> None:
    referral = make_referral(
        database, pathway=pathway, victim_date_of_birth=born, received_at=RECEIVED
    )
    assert (outcomes(referral).get("safeguarding") == "check") is prompted
    assert outcomes(referral)["age"] == "met"
