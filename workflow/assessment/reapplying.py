"""Re-run the rules on open referrals after the rules change (issue 15's corrections).

Outcomes are stored when a referral arrives or changes, so a corrected rule reaches open
referrals only when something touches them. This brings every open referral up to date at once,
audits each change, and names the referrals that went past the consent guard without consent on
a MARAC criterion they no longer meet: a person must look at those again.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select

from workflow.actors import Actor
from workflow.assessment.assessing import apply_rules
from workflow.models import Referral
from workflow.models.referral import Consent
from workflow.policy import Policy
from workflow.referrals.states import OPEN_STATES, State
from workflow.store import audit
from workflow.store.db import UnitOfWork


@dataclass
class ReapplyReport:
    """What re-applying the rules changed."""

    checked: int = 0
    changed: list[str] = field(default_factory=list)
    # Past the consent guard without consent, and now meeting no MARAC criterion.
    review_consent: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Return the one-line summary operators read."""
        return (
            f"reapply-rules: {self.checked} open referrals, {len(self.changed)} changed, "
            f"{len(self.review_consent)} to review: consent"
        )


def _results(referral: Referral) -> dict[str, Any]:
    rules = {str(o.get("rule")): str(o.get("result")) for o in referral.rule_outcomes}
    return {"rules": rules, "marac_criteria_met": referral.marac_criteria_met}


def _passed_the_guard_without_consent(referral: Referral) -> bool:
    return (
        referral.state is not State.RECEIVED
        and referral.consent is not Consent.GIVEN
        and not referral.marac_criteria_met
    )


def reapply_rules(uow: UnitOfWork, actor: Actor, policy: Policy) -> ReapplyReport:
    """Recompute every open referral's rule outcomes, auditing each one that changed."""
    report = ReapplyReport()
    query = select(Referral).where(col(Referral.state).in_(OPEN_STATES)).order_by(col(Referral.id))
    for referral in uow.session.exec(query).all():
        report.checked += 1
        before = _results(referral)
        apply_rules(uow.session, referral, policy)
        after = _results(referral)
        if before == after:
            continue
        report.changed.append(referral.reference)
        audit.record(
            uow.session, actor, "change", "referral", referral.id,
            "Rules re-applied after a rule change", before=before, after=after,
        )  # fmt: skip
        if before["marac_criteria_met"] and _passed_the_guard_without_consent(referral):
            report.review_consent.append(referral.reference)
    uow.commit()
    return report
