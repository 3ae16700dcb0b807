"""DASH score and band, the four MARAC criteria, and the Cambs routing between IDVA and MARAC."""

from collections.abc import Mapping
from datetime import date
from enum import StrEnum

from workflow.policy import Policy
from workflow.rules.outcome import Result, RuleOutcome

DASH_QUESTIONS = 24
ANSWERS = ("yes", "no", "dont_know")


class Band(StrEnum):
    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"


def dash_score(answers: Mapping[str, str | None]) -> int:
    """Count the Yes answers: the DASH score. "Don't know" and blanks score nothing."""
    return sum(1 for answer in answers.values() if answer == "yes")


def dash_band(score: int, policy: Policy) -> Band:
    """Return the SafeLives band for a DASH score."""
    if score >= policy.dash_high_from:
        return Band.HIGH
    if score >= policy.dash_medium_from:
        return Band.MEDIUM
    return Band.STANDARD


def visible_high_risk(score: int | None, policy: Policy) -> RuleOutcome:
    """Criterion 1: the DASH score reaches the MARAC threshold."""
    if score is None:
        return RuleOutcome(
            "visible_high_risk", Result.CHECK, "No DASH checklist with the referral."
        )
    met = score >= policy.marac_from
    verb = "reaches" if met else "is below"
    return RuleOutcome(
        "visible_high_risk",
        Result.MET if met else Result.NOT_MET,
        f"DASH score {score} {verb} the MARAC threshold of {policy.marac_from}.",
    )


def professional_judgement(claimed: bool, reason: str | None) -> RuleOutcome:
    """Criterion 2: the referrer's professional judgement, which needs a stated reason."""
    if not claimed:
        return RuleOutcome("professional_judgement", Result.NOT_MET, "Not claimed by the referrer.")
    if not (reason or "").strip():
        return RuleOutcome(
            "professional_judgement",
            Result.CHECK,
            "Professional judgement claimed without a reason: ask the referrer for one.",
        )
    return RuleOutcome("professional_judgement", Result.MET, "Referrer's professional judgement.")


def potential_escalation(incidents_12m: int | None, policy: Policy) -> RuleOutcome:
    """Criterion 3: enough police-reported incidents in the past 12 months."""
    if incidents_12m is None:
        return RuleOutcome(
            "potential_escalation",
            Result.CHECK,
            "Police incidents in the last 12 months not given.",
        )
    met = incidents_12m >= policy.escalation_incidents
    return RuleOutcome(
        "potential_escalation",
        Result.MET if met else Result.NOT_MET,
        f"{incidents_12m} police-reported incidents in 12 months "
        f"(escalation at {policy.escalation_incidents}).",
    )


def repeat_marac(
    last_marac_referral: date | None, referral_date: date, policy: Policy
) -> RuleOutcome:
    """Criterion 4: the same victim had a MARAC referral within the repeat window."""
    if last_marac_referral is None:
        return RuleOutcome("repeat_marac", Result.NOT_MET, "No earlier MARAC referral found.")
    days = (referral_date - last_marac_referral).days
    met = 0 <= days <= policy.repeat_window_days
    return RuleOutcome(
        "repeat_marac",
        Result.MET if met else Result.NOT_MET,
        f"Last MARAC referral of this victim was {days} days earlier "
        f"(repeat within {policy.repeat_window_days}).",
    )


def routing(score: int | None, marac_met: bool, policy: Policy) -> RuleOutcome:
    """Recommend the route under the local thresholds: MARAC, IDVA with consent, or neither."""
    if marac_met:
        return RuleOutcome("routing", Result.MET, "Meets a MARAC criterion: list for MARAC.")
    if score is not None and score >= policy.idva_from:
        return RuleOutcome(
            "routing",
            Result.MET,
            f"DASH {policy.idva_from}-{policy.marac_from - 1}: IDVA service with consent.",
        )
    return RuleOutcome(
        "routing", Result.NOT_MET, "Below the IDVA and MARAC thresholds: signpost or advise."
    )
