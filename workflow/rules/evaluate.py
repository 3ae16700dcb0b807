"""Apply every rule to one referral's facts and return the outcomes in a stable order."""

from dataclasses import dataclass, field
from datetime import date

from workflow.policy import Policy
from workflow.rules import eligibility, prompts, risk
from workflow.rules.eligibility import PerpetratorAge
from workflow.rules.outcome import Result, RuleOutcome


@dataclass(frozen=True)
class ReferralFacts:
    """What the rules need to know about a referral, whatever channel it came by."""

    pathway: str
    referral_date: date
    victim_date_of_birth: date | None
    victim_postcode: str | None
    referrer_email: str | None
    dash_score: int | None
    professional_judgement: bool = False
    professional_judgement_reason: str | None = None
    police_incidents_12m: int | None = None
    last_incident: date | None = None
    last_marac_referral: date | None = None
    # The referrer's answer: the victim's last MARAC referral, here or elsewhere (a check only).
    told_last_marac: date | None = None
    perpetrators: tuple[PerpetratorAge, ...] = field(default=())
    dash_unanswered: int = 0  # of the 24 questions, those with no answer at all
    perpetrator_relationships: tuple[str, ...] = field(default=())
    # Why the referrer's address is not yet confirmed (web form, unauthenticated mail), or "".
    referrer_unconfirmed: str = ""


MARAC_CRITERIA = (
    "visible_high_risk",
    "professional_judgement",
    "potential_escalation",
    "repeat_marac",
)


def evaluate(facts: ReferralFacts, policy: Policy) -> list[RuleOutcome]:
    """Return every rule's outcome for the referral, eligibility first, then risk and routing."""
    risk_outcomes = _risk(facts, policy)
    outcomes = [
        eligibility.age_rule(facts.victim_date_of_birth, facts.referral_date, policy),
        *_present(
            prompts.safeguarding_prompt(facts.victim_date_of_birth, facts.referral_date, policy)
        ),
        eligibility.area_rule(facts.victim_postcode, policy),
    ]
    if _idva_service(facts, risk_outcomes, policy):
        outcomes.append(eligibility.recency_rule(facts.last_incident, facts.referral_date, policy))
    outcomes.append(
        eligibility.referrer_rule(facts.referrer_email, policy, facts.referrer_unconfirmed)
    )
    if facts.pathway == "marac":
        outcomes.append(
            eligibility.perpetrator_age_rule(facts.perpetrators, facts.referral_date, policy)
        )
        outcomes += _present(prompts.relationship_prompt(facts.perpetrator_relationships))
    return outcomes + risk_outcomes


def _present(outcome: RuleOutcome | None) -> list[RuleOutcome]:
    return [outcome] if outcome is not None else []


def _risk(facts: ReferralFacts, policy: Policy) -> list[RuleOutcome]:
    if facts.pathway != "marac" and facts.dash_score is None:
        return []
    criteria = [
        risk.visible_high_risk(facts.dash_score, policy, facts.dash_unanswered),
        risk.professional_judgement(
            facts.professional_judgement, facts.professional_judgement_reason
        ),
        risk.potential_escalation(facts.police_incidents_12m, policy),
        risk.repeat_as_told(
            risk.repeat_marac(
                facts.last_marac_referral, facts.referral_date, policy, facts.last_incident
            ),
            facts.told_last_marac,
            facts.referral_date,
            policy,
        ),
    ]
    return [*criteria, risk.routing(facts.dash_score, _marac_met(criteria), policy)]


def _marac_met(outcomes: list[RuleOutcome]) -> bool:
    return any(o.rule in MARAC_CRITERIA and o.result is Result.MET for o in outcomes)


def _idva_service(facts: ReferralFacts, risk_outcomes: list[RuleOutcome], policy: Policy) -> bool:
    # The 3-month rule is the IDVA service's (docs/domain.md): the stalking pathway, and a
    # MARAC-form case the local thresholds route to the IDVA service. Never MARAC: high risk can
    # be found on disclosure, or before a perpetrator's release, long after the last incident.
    if facts.pathway == "stalking_idva":
        return True
    return risk.routes_to_idva(facts.dash_score, _marac_met(risk_outcomes), policy)
