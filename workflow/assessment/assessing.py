"""Work out a referral's risk and rule outcomes from its assessments and history."""

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from workflow.deadlines.steps import refresh_deadline
from workflow.inbound import referrer_domains
from workflow.models import Assessment, Referral
from workflow.models.referral import Instrument
from workflow.policy import Policy
from workflow.referrals.matching import last_marac_referral, received_on
from workflow.rules.eligibility import PerpetratorAge
from workflow.rules.evaluate import MARAC_CRITERIA, ReferralFacts, evaluate
from workflow.rules.outcome import Result
from workflow.rules.risk import dash_band, dash_score, dash_unanswered

DASH_INSTRUMENTS = (Instrument.SAFELIVES_DASH_24, Instrument.ACPO_DASH_27)
# The referral's details key saying why its referrer's address is not yet confirmed
# (workflow/web_referrals/referrer_confirmation.py, workflow/inbound/settling.py): the referrer
# rule is then a check.
REFERRER_UNCONFIRMED = "referrer_unconfirmed"


def answer_values(assessment: Assessment) -> dict[str, str | None]:
    """Return question number -> answer for an assessment, ignoring comments and sources."""
    return {n: (a or {}).get("answer") for n, a in assessment.answers.items()}


def score_assessment(assessment: Assessment) -> None:
    """Compute the assessment's score from its answers; a typed score is never trusted."""
    assessment.score = dash_score(answer_values(assessment))


def latest_dash(session: Session, referral: Referral) -> Assessment | None:
    """Return the newest DASH checklist of the referral, if it has one."""
    query = (
        select(Assessment)
        .where(
            col(Assessment.referral_id) == referral.id,
            col(Assessment.instrument).in_(DASH_INSTRUMENTS),
        )
        .order_by(col(Assessment.version).desc(), col(Assessment.id).desc())
        .limit(1)
    )
    return session.execute(query).scalar_one_or_none()


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None  # not a date we can read: the rule says the age is not given


def _whole(value: Any) -> int | None:
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() else None


def perpetrator_age(perpetrator: dict[str, Any]) -> PerpetratorAge:
    """Return what a stored perpetrator says about their age (an ISO date of birth, an age)."""
    return PerpetratorAge(
        str(perpetrator.get("name") or ""),
        _date(perpetrator.get("date_of_birth")),
        _whole(perpetrator.get("age")),
    )


def apply_rules(session: Session, referral: Referral, policy: Policy) -> None:
    """Recompute the referral's score, band, MARAC criteria and rule outcomes, with reasons,
    and its due time: a new band or MARAC criterion can change how long the current step takes."""
    apply_rules_with(session, referral, policy, latest_dash(session, referral))


def apply_rules_with(
    session: Session, referral: Referral, policy: Policy, dash: Assessment | None
) -> None:
    """apply_rules, given the referral's newest DASH (or None) when the caller already holds it:
    intake has just written it, and need not read it back."""
    score = dash.score if dash else None
    earlier = last_marac_referral(session, referral)
    facts = ReferralFacts(
        pathway=referral.pathway,
        referral_date=received_on(referral),
        victim_date_of_birth=referral.victim_date_of_birth,
        victim_postcode=referral.victim_postcode,
        referrer_email=referral.referrer_email,
        dash_score=score,
        professional_judgement=referral.professional_judgement,
        professional_judgement_reason=referral.professional_judgement_reason,
        police_incidents_12m=referral.police_incidents_12m,
        last_incident=referral.last_incident,
        last_marac_referral=received_on(earlier) if earlier else None,
        told_last_marac=_date((referral.details.get("previous_marac") or {}).get("date")),
        perpetrators=tuple(perpetrator_age(p) for p in referral.perpetrators),
        dash_unanswered=dash_unanswered(answer_values(dash)) if dash else 0,
        perpetrator_relationships=tuple(
            str(p.get("relationship_to_victim") or "") for p in referral.perpetrators
        ),
        referrer_unconfirmed=str(referral.details.get(REFERRER_UNCONFIRMED) or ""),
    )
    outcomes = evaluate(facts, referrer_domains.in_force(session, policy))
    referral.dash_score = score
    referral.risk_band = dash_band(score, policy).value if score is not None else None
    referral.marac_criteria_met = any(
        o.rule in MARAC_CRITERIA and o.result is Result.MET for o in outcomes
    )
    referral.rule_outcomes = [o.as_json() for o in outcomes]
    repeat = any(o.rule == "repeat_marac" and o.result is Result.MET for o in outcomes)
    details = {k: v for k, v in referral.details.items() if k != "repeat_of"}
    if repeat and earlier is not None:
        details["repeat_of"] = earlier.reference
    if details != referral.details:
        referral.details = details
    refresh_deadline(referral, policy)
