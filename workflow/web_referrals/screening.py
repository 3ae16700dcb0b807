"""Checks a web referral passes while it is being filled in, so a referrer is stopped early.

They reuse the intake rules (workflow.rules) and decide only when to stop and explain; the stored
rule outcomes are still worked out by intake when the referral arrives.
"""

from datetime import UTC, date, datetime
from enum import StrEnum

from workflow.deadlines.working_time import LONDON
from workflow.policy import Policy
from workflow.rules.eligibility import age_rule, area_rule
from workflow.rules.outcome import Result, RuleOutcome

# A suspect in one of these relationships makes it domestic abuse, not the non-DA stalking service.
DOMESTIC_RELATIONSHIPS = frozenset({"partner", "ex_partner", "family"})


class Stop(StrEnum):
    UNDER_AGE = "under-16"
    OUT_OF_AREA = "out-of-area"
    NO_CONSENT = "no-consent"
    DOMESTIC_ABUSE = "domestic-abuse"


def london_today(now: datetime | None = None) -> date:
    """Return today's date in London: the server's clock is UTC, an hour behind in summer, when
    a victim whose sixteenth birthday it is would otherwise be stopped as fifteen until 1 am."""
    return (now or datetime.now(UTC)).astimezone(LONDON).date()


def check_age(date_of_birth: date | None, today: date, policy: Policy) -> Stop | None:
    """Stop when the victim is younger than the service's minimum age."""
    if date_of_birth is None:
        return None
    return (
        Stop.UNDER_AGE if age_rule(date_of_birth, today, policy).result is Result.NOT_MET else None
    )


def check_area(postcode: str | None, policy: Policy) -> tuple[Stop | None, RuleOutcome]:
    """Stop when the postcode is outside the area; a border or missing one goes on, flagged."""
    outcome = area_rule(postcode, policy)
    return (Stop.OUT_OF_AREA if outcome.result is Result.NOT_MET else None), outcome


def check_stalking_consent(consent: str | None) -> Stop | None:
    """The stalking IDVA service is voluntary: without the victim's consent it cannot start."""
    return None if consent == "given" else Stop.NO_CONSENT


def check_relationship(relationship: str | None) -> Stop | None:
    """A partner, ex-partner or family member makes it domestic abuse: the MARAC/DASH route."""
    return Stop.DOMESTIC_ABUSE if relationship in DOMESTIC_RELATIONSHIPS else None
