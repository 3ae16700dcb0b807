"""Every referral with its risk results, source messages and history, for `export-referrals`."""

from collections.abc import Iterator
from typing import Any

from sqlmodel import Session, col, select

from workflow.models import Assessment, InboundMessage, Referral, StateChange
from workflow.record.answers import flat
from workflow.record.translate import to_record


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
            # Every answer in the words staff read (workflow.record.catalogue), and as stored.
            "answers": flat(referral, assessments),
            "stored": stored(referral, assessments),
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


KEPT = (
    "victim_aliases",
    "safe_contact",
    "victim_details",
    "perpetrators",
    "children",
    "victim_aware",
    "consent_not_sought_reason",
    "lawful_basis",
    "professional_judgement_reason",
    "last_incident",
    "crime_reference",
    "details",
)


def stored(referral: Referral, assessments: list[Assessment]) -> dict[str, Any]:
    """Return the answers the extraction record has no place for, as stored, and every checklist."""
    found = {name: getattr(referral, name) for name in KEPT}
    found["checklists"] = [
        {"instrument": a.instrument.value, "version": a.version, "answers": a.answers}
        for a in sorted(assessments, key=lambda a: (a.instrument.value, a.version))
    ]
    return found
