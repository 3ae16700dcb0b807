"""Every referral with its risk results, source messages and history, for `export-referrals`."""

from collections.abc import Iterator
from typing import Any

from sqlmodel import Session, col, select

from workflow.models import Assessment, InboundMessage, Referral, StateChange
from workflow.record import to_record


def referral_records(session: Session) -> Iterator[dict[str, Any]]:
    """Yield one export record per referral, oldest first."""
    for referral in session.exec(select(Referral).order_by(col(Referral.id))):
        rid = referral.id
        assessments = list(
            session.exec(select(Assessment).where(col(Assessment.referral_id) == rid))
        )
        messages = session.exec(
            select(InboundMessage.message_id).where(col(InboundMessage.referral_id) == rid)
        )
        history = session.exec(
            select(StateChange)
            .where(col(StateChange.referral_id) == rid)
            .order_by(col(StateChange.id))
        )
        yield {
            "reference": referral.reference,
            "state": referral.state.value,
            "pathway": referral.pathway.value,
            "source": referral.source.value,
            "referral": to_record(referral, assessments),
            "risk": {
                "dash_score": referral.dash_score,
                "band": referral.risk_band,
                "marac_criteria_met": referral.marac_criteria_met,
                "rule_outcomes": referral.rule_outcomes,
            },
            "needs_review": referral.needs_review,
            "source_message_ids": list(messages),
            "history": [
                {
                    "at": c.at.isoformat(),
                    "from": c.from_state,
                    "to": c.to_state,
                    "event": c.event,
                    "by": c.actor_label,
                    "reason": c.reason,
                }
                for c in history
            ],
        }
