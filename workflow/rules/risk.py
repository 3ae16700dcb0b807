"""DASH score and band, the four MARAC criteria, and the Cambs routing between IDVA and MARAC."""

from collections.abc import Mapping
from datetime import date
from enum import StrEnum

from workflow.policy import Policy
from workflow.rules.calendar import add_months
from workflow.rules.outcome import Result, RuleOutcome

DASH_QUESTIONS = 24
# The SafeLives question numbers. An ACPO 27 or local variant is mapped onto these before it is
# scored; an item with no SafeLives twin (ACPO's extra questions on children) never adds to it.
DASH_NUMBERS = frozenset(str(n) for n in range(1, DASH_QUESTIONS + 1))
ANSWERS = ("yes", "no", "dont_know")


class Band(StrEnum):
    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"


def dash_score(answers: Mapping[str, str | None]) -> int:
    """Count the Yes answers to the 24 questions: the DASH score. "Don't know", No and blanks
    score nothing, so the score is at most 24 whatever else the answers hold."""
    return sum(
        1
        for number, answer in answers.items()
        if number in DASH_NUMBERS and (answer or "").strip().lower() == "yes"
    )


def dash_band(score: int, policy: Policy) -> Band:
    """Return the SafeLives band for a DASH score."""
    if score >= policy.dash_high_from:
        return Band.HIGH
    if score >= policy.dash_medium_from:
        return Band.MEDIUM
    return Band.STANDARD


def dash_unanswered(answers: Mapping[str, str | None]) -> int:
    """Count the 24 questions with no Yes, No or Don't know (left blank, or not on the form)."""
    given = {n for n, a in answers.items() if n in DASH_NUMBERS and (a or "").strip().lower()}
    return DASH_QUESTIONS - len(given)


def visible_high_risk(score: int | None, policy: Policy, unanswered: int = 0) -> RuleOutcome:
    """Criterion 1: the DASH score reaches the MARAC threshold.

    Blank questions score nothing, so a score below the threshold that the blanks could lift to
    it is a check for a person (ask the referrer), never read as "not high risk".
    """
    if score is None:
        return RuleOutcome(
            "visible_high_risk", Result.CHECK, "No DASH checklist with the referral."
        )
    met = score >= policy.marac_from
    if not met and score + unanswered >= policy.marac_from:
        return RuleOutcome(
            "visible_high_risk",
            Result.CHECK,
            f"DASH score {score} with {unanswered} questions unanswered could reach the MARAC "
            f"threshold of {policy.marac_from}: ask the referrer for the missing answers.",
        )
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
    last_marac_referral: date | None,
    referral_date: date,
    policy: Policy,
    last_incident: date | None = None,
) -> RuleOutcome:
    """Criterion 4: a further incident within 12 months of the victim's last MARAC referral.

    "Met" lets a case past the consent guard, so only a dated incident that comes after the last
    referral and inside the window meets it (SafeLives counts the incident, not the referral).
    The window is calendar months in London dates and includes its last day: referred 10 March
    2026, an incident on 10 March 2027 is a repeat, on 11 March it is not. An incident on or
    before the last referral's day is probably the one already referred (police and a hospital
    both refer it): a possible duplicate, checked by a person. No incident date is a check too:
    the new referral may be about that same incident.
    """
    if last_marac_referral is None:
        return RuleOutcome("repeat_marac", Result.NOT_MET, "No earlier MARAC referral found.")
    ends = add_months(last_marac_referral, policy.repeat_window_months)
    since = f"last MARAC referral of this victim {last_marac_referral.isoformat()}"
    window = f"repeat up to {ends.isoformat()}, {policy.repeat_window_months} months"
    if last_incident is None:
        return _repeat_check(
            f"No incident date given; {since} ({window}): check whether there has been a "
            "further incident since, or whether this is the same incident (a duplicate)."
        )
    if last_incident > referral_date:
        return _repeat_check(
            f"Incident {last_incident.isoformat()} is after this referral's date: check it."
        )
    if last_incident <= last_marac_referral:
        return _repeat_check(
            f"Incident {last_incident.isoformat()} is not after the {since}: probably the same "
            "incident (a possible duplicate, not a repeat). Check for a further incident."
        )
    met = last_incident <= ends
    return RuleOutcome(
        "repeat_marac",
        Result.MET if met else Result.NOT_MET,
        f"Incident {last_incident.isoformat()}; {since} ({window}).",
    )


def repeat_as_told(
    found: RuleOutcome, told: date | None, referral_date: date, policy: Policy
) -> RuleOutcome:
    """Add the referrer's own answer ("referred to a MARAC before, here or elsewhere, on ...").

    A date within the window makes a repeat a check for the coordinator, never "met" by itself:
    it may be another area's MARAC, a guess, or the same incident, and "met" would let the case
    past the consent guard. Our own records' outcome stands when it is already met or a check.
    """
    if told is None or found.result is not Result.NOT_MET or told > referral_date:
        return found
    if referral_date > add_months(told, policy.repeat_window_months):
        return found
    return _repeat_check(
        f"The referrer says the victim was referred to a MARAC on {told.isoformat()}, here or "
        f"elsewhere, within {policy.repeat_window_months} months: check for a further incident "
        f"since (a repeat MARAC). Our records: {found.reason}"
    )


def _repeat_check(reason: str) -> RuleOutcome:
    return RuleOutcome("repeat_marac", Result.CHECK, reason)


def routes_to_idva(score: int | None, marac_met: bool, policy: Policy) -> bool:
    """Say whether the local thresholds send the case to the IDVA service (Cambs DASH 14-16
    with no MARAC criterion met) rather than to MARAC or to neither."""
    return not marac_met and score is not None and score >= policy.idva_from


def routing(score: int | None, marac_met: bool, policy: Policy) -> RuleOutcome:
    """Recommend the route under the local thresholds: MARAC, IDVA with consent, or neither."""
    if marac_met:
        return RuleOutcome("routing", Result.MET, "Meets a MARAC criterion: list for MARAC.")
    if routes_to_idva(score, marac_met, policy):
        return RuleOutcome(
            "routing",
            Result.MET,
            f"DASH {policy.idva_from}-{policy.marac_from - 1}: IDVA service with consent.",
        )
    if score is None:
        return RuleOutcome(
            "routing",
            Result.CHECK,
            "No DASH score and no MARAC criterion met: ask for the DASH checklist or decide.",
        )
    # Below the IDVA threshold with no MARAC criterion: neither service takes it on these facts;
    # the coordinator advises the referrer (single-agency support, helplines) or the referrer
    # adds professional judgement. Never a silent rejection: it is a result a person reads.
    return RuleOutcome(
        "routing",
        Result.NOT_MET,
        f"DASH {score}, below the IDVA threshold of {policy.idva_from}, and no MARAC criterion "
        "met: advise the referrer (signpost, or professional judgement if they have a concern).",
    )
