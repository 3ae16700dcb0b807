"""What a rule decided and why, in a form that is stored with the referral."""

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Result(StrEnum):
    MET = "met"  # the rule is satisfied (eligible, in area, criterion met)
    NOT_MET = "not_met"  # the rule is not satisfied; for eligibility this means ineligible
    CHECK = "check"  # a person must decide (border postcode, unverified referrer, missing data)


@dataclass(frozen=True)
class RuleOutcome:
    """One rule's decision with the reason a coordinator reads."""

    rule: str
    result: Result
    reason: str

    def as_json(self) -> dict[str, Any]:
        """Return the outcome as a JSON-ready dict."""
        data = asdict(self)
        data["result"] = self.result.value
        return data


def was_met(stored: list[dict[str, Any]] | None, rule: str) -> bool:
    """Say whether a referral's stored rule outcomes hold `rule` as met."""
    return any(o.get("rule") == rule and o.get("result") == Result.MET for o in stored or [])
