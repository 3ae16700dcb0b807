"""Prompts for the coordinator: facts that refuse nothing but need a person to act on them.

Each returns a check outcome when it applies and None otherwise, so a referral it does not
concern carries no extra row.
"""

from collections.abc import Sequence
from datetime import date

from workflow.policy import Policy
from workflow.rules.eligibility import age_on
from workflow.rules.outcome import Result, RuleOutcome


def relationship_prompt(relationships: Sequence[str]) -> RuleOutcome | None:
    """On the MARAC pathway, a perpetrator whose relationship is "Other" is checked by a person:
    MARAC is for abuse by a partner, ex-partner or family member, so the route may be wrong."""
    others = [n for n, r in enumerate(relationships, start=1) if _is_other(r)]
    if not others:
        return None
    which = ", ".join(f"perpetrator {n}" for n in others)
    return RuleOutcome(
        "relationship",
        Result.CHECK,
        f"Relationship to the victim given as 'Other' ({which}): MARAC is for abuse by a "
        "partner, ex-partner or family member. Check the relationship and the route.",
    )


def _is_other(relationship: str) -> bool:
    # The web form stores "other"; a mailed form may say "Other", "Other - neighbour" and so on.
    words = relationship.strip().lower().replace("-", " ").replace(":", " ").split()
    return bool(words) and words[0] == "other"


def safeguarding_prompt(
    date_of_birth: date | None, referral_date: date, policy: Policy
) -> RuleOutcome | None:
    """A victim aged 16 or 17 is a child in law: prompt a check that a safeguarding referral
    (children's social care) has been made. Under 16 is the age rule's, not this one's."""
    if date_of_birth is None:
        return None
    age = age_on(date_of_birth, referral_date)
    if not policy.minimum_age <= age < policy.adult_age:
        return None
    return RuleOutcome(
        "safeguarding",
        Result.CHECK,
        f"Victim is {age}: check that a safeguarding referral to children's social care has "
        "been made, and make one if not.",
    )
