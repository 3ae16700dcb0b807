"""Mailed updates are proposals: a person accepts or rejects them before they count.

A reference in a subject line is easy to copy and a From: address easy to forge, so a checklist
mailed for an existing referral never changes its recorded risk, MARAC criteria, deadlines or
state by itself. It is kept as a proposed version beside the current one; a coordinator compares
them answer by answer and accepts it (it becomes the next version and the rules run again, as for
any new checklist) or rejects it with a reason. Both decisions are audited, and both go through
the referral's optimistic lock, so two people deciding at once cannot both win.
"""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from workflow.actors import Actor
from workflow.assessment.assessing import DASH_INSTRUMENTS, apply_rules, score_assessment
from workflow.errors import GuardFailed, NotFound
from workflow.models import Assessment, Referral, ReferralFlag, utcnow
from workflow.models.base import persisted_id
from workflow.models.proposals import ProposalStatus, ProposedAssessment
from workflow.models.referral import Instrument
from workflow.permissions import CASEWORKERS, require_role
from workflow.policy import CAMBS, Policy
from workflow.record.answers import ChecklistShown, QuestionShown, checklist
from workflow.referrals.casework import load
from workflow.referrals.receiving import NewAssessment, add_assessment
from workflow.rules.risk import dash_band
from workflow.store import audit
from workflow.store.db import UnitOfWork

# The queue's flag for a referral with a proposal waiting (workflow.queue.keys.FLAG_LABELS).
WAITING_FLAG = "proposed_update"


def _kind_of(instrument: Instrument) -> tuple[Instrument, ...]:
    """The instruments one proposal replaces: any DASH form replaces the DASH."""
    return DASH_INSTRUMENTS if instrument in DASH_INSTRUMENTS else (instrument,)


def _score_words(score: int | None) -> str:
    return "none" if score is None else str(score)


def propose(
    session: Session,
    actor: Actor,
    referral: Referral,
    message_id: int,
    from_address: str,
    assessments: list[NewAssessment],
    needs_review: list[str],
    sender_known: bool,
) -> str:
    """Keep a mailed update's checklists as proposals (the referral itself is not touched) and
    return the message's reason, in words a coordinator reads on the message page."""
    made = []
    for new in assessments:
        proposal = ProposedAssessment(
            referral_id=persisted_id(referral),
            message_id=message_id,
            instrument=new.instrument,
            answers=new.answers,
            completed_date=new.completed_date,
            provenance=new.provenance,
            needs_review=list(needs_review),
            sender_known=sender_known,
            from_address=from_address[:254],
        )
        proposal.score = _transient(proposal).score
        session.add(proposal)
        made.append(proposal)
    session.flush()
    _mark_queue(session, persisted_id(referral))
    dash = next((p for p in made if p.instrument in DASH_INSTRUMENTS), None)
    audit.record(
        session,
        actor,
        "propose_update",
        "referral",
        referral.id,
        f"{referral.reference}: update proposed by message {message_id}",
        before={"dash_score": referral.dash_score},
        after={
            "proposals": [p.id for p in made],
            "proposed_dash_score": dash.score if dash else None,
            "sender_known": sender_known,
        },
    )
    if dash is None:
        return "Proposed update waiting for a coordinator: nothing changes until it is accepted."
    change = f"DASH score {_score_words(referral.dash_score)} -> {dash.score} if accepted"
    return f"Proposed update waiting for a coordinator ({change}): nothing changes until then."


def _transient(proposal: ProposedAssessment, version: int = 0) -> Assessment:
    """The proposal as an assessment that is never added to the session, to score and show it."""
    shown = Assessment(
        id=None,
        referral_id=proposal.referral_id,
        instrument=proposal.instrument,
        version=version,
        answers=dict(proposal.answers),
        completed_date=proposal.completed_date,
    )
    score_assessment(shown)
    return shown


def _mark_queue(session: Session, referral_id: int) -> None:
    """Keep the queue's "proposed update" flag row in step with the proposals waiting."""
    session.execute(
        sa.delete(ReferralFlag).where(
            col(ReferralFlag.referral_id) == referral_id, col(ReferralFlag.flag) == WAITING_FLAG
        )
    )
    if waiting_counts(session, [referral_id]):
        session.execute(
            sa.insert(ReferralFlag), [{"referral_id": referral_id, "flag": WAITING_FLAG}]
        )


def waiting_counts(session: Session, referral_ids: list[int]) -> dict[int, int]:
    """Return referral id -> how many proposals wait for a decision, for those that have any."""
    if not referral_ids:
        return {}
    query = (
        select(ProposedAssessment.referral_id, func.count())
        .where(
            col(ProposedAssessment.referral_id).in_(referral_ids),
            col(ProposedAssessment.status) == ProposalStatus.PROPOSED,
        )
        .group_by(col(ProposedAssessment.referral_id))
    )
    return {int(rid): int(n) for rid, n in session.exec(query)}


@dataclass(frozen=True)
class AnswerPair:
    """One question with the current answer and the proposed one, side by side."""

    number: int
    question: str
    current: QuestionShown | None
    proposed: QuestionShown

    @property
    def changed(self) -> bool:
        """Say whether the proposal answers this question differently (sub-options, source and
        comment included: a changed comment can carry a changed fact)."""
        if self.current is None:
            return True  # no current checklist of this kind: every answer is new
        mine, theirs = self.current, self.proposed
        return (mine.answer, mine.sub, mine.source, mine.comment) != (
            theirs.answer,
            theirs.sub,
            theirs.source,
            theirs.comment,
        )


@dataclass(frozen=True)
class ProposalView:
    """A proposal as the referral page and the decision page show it."""

    id: int
    title: str
    message_id: int
    from_address: str
    sender_known: bool
    received_at: datetime
    status: ProposalStatus
    current_version: int | None = None
    current_score: int | None = None
    proposed_score: int | None = None
    current_band: str | None = None
    proposed_band: str | None = None
    current_completed: str = ""
    proposed_completed: str = ""
    pairs: list[AnswerPair] = field(default_factory=list)
    decided_by: str = ""
    decided_at: datetime | None = None
    decision_reason: str = ""

    @property
    def changed(self) -> int:
        """Return how many answers differ from the current checklist."""
        return sum(1 for p in self.pairs if p.changed)


def _current(session: Session, referral_id: int, instrument: Instrument) -> Assessment | None:
    query = (
        select(Assessment)
        .where(
            col(Assessment.referral_id) == referral_id,
            col(Assessment.instrument).in_(_kind_of(instrument)),
        )
        .order_by(col(Assessment.version).desc(), col(Assessment.id).desc())
        .limit(1)
    )
    return session.exec(query).first()


def _band(shown: ChecklistShown | None, policy: Policy) -> str | None:
    if shown is None or shown.score is None:
        return None
    return dash_band(shown.score, policy).value


def _view(session: Session, proposal: ProposedAssessment, policy: Policy) -> ProposalView:
    now = _current(session, proposal.referral_id, proposal.instrument)
    current = checklist(now) if now is not None else None
    proposed = checklist(_transient(proposal))
    by_number = {q.number: q for q in current.questions} if current else {}
    return ProposalView(
        id=persisted_id(proposal),
        title=proposed.title,
        message_id=proposal.message_id,
        from_address=proposal.from_address,
        sender_known=proposal.sender_known,
        received_at=proposal.created_at,
        status=proposal.status,
        current_version=current.version if current else None,
        current_score=current.score if current else None,
        proposed_score=proposed.score,
        current_band=_band(current, policy),
        proposed_band=_band(proposed, policy),
        current_completed=current.completed if current else "",
        proposed_completed=proposed.completed,
        pairs=[
            AnswerPair(q.number, q.question, by_number.get(q.number), q) for q in proposed.questions
        ],
        decided_by=proposal.decided_by,
        decided_at=proposal.decided_at,
        decision_reason=proposal.decision_reason,
    )


def waiting(session: Session, referral_id: int, policy: Policy = CAMBS) -> list[ProposalView]:
    """Return the referral's proposals waiting for a decision, each beside its current version."""
    query = select(ProposedAssessment).where(
        col(ProposedAssessment.referral_id) == referral_id,
        col(ProposedAssessment.status) == ProposalStatus.PROPOSED,
    )
    found = session.exec(query.order_by(col(ProposedAssessment.id)))
    return [_view(session, p, policy) for p in found]


def decided(session: Session, referral_id: int) -> list[ProposedAssessment]:
    """Return the referral's proposals already accepted or rejected, oldest first."""
    query = select(ProposedAssessment).where(
        col(ProposedAssessment.referral_id) == referral_id,
        col(ProposedAssessment.status) != ProposalStatus.PROPOSED,
    )
    return list(session.exec(query.order_by(col(ProposedAssessment.id))))


def _proposal(session: Session, referral_id: int, proposal_id: int) -> ProposedAssessment:
    proposal = session.get(ProposedAssessment, proposal_id)
    if proposal is None or proposal.referral_id != referral_id:
        raise NotFound("No such proposed update.")
    return proposal


def one(
    session: Session, referral_id: int, proposal_id: int, policy: Policy = CAMBS
) -> ProposalView:
    """Return one proposal of the referral beside its current version."""
    return _view(session, _proposal(session, referral_id, proposal_id), policy)


def _undecided(session: Session, referral_id: int, proposal_id: int) -> ProposedAssessment:
    proposal = _proposal(session, referral_id, proposal_id)
    if proposal.status is not ProposalStatus.PROPOSED:
        raise GuardFailed(
            f"This update was already {proposal.status.value} by {proposal.decided_by}."
        )
    return proposal


def _decide(
    proposal: ProposedAssessment, actor: Actor, status: ProposalStatus, reason: str
) -> None:
    proposal.status = status
    proposal.decided_at = utcnow()
    proposal.decided_by = actor.label[:254]
    proposal.decision_reason = reason[:2000]


def _risk(referral: Referral) -> dict[str, object]:
    return {
        "dash_score": referral.dash_score,
        "risk_band": referral.risk_band,
        "marac_criteria_met": referral.marac_criteria_met,
        "due_at": referral.due_at.isoformat() if referral.due_at else None,
        "due_kind": referral.due_kind,
    }


def accept(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int,
    expected_version: int | None,
    proposal_id: int,
    sender_checked: bool = False,
    policy: Policy = CAMBS,
) -> Referral:
    """Make the proposal the referral's next checklist version and run the rules again."""
    require_role(actor, CASEWORKERS)
    session = uow.session
    referral = load(session, referral_id, expected_version)
    proposal = _undecided(session, referral_id, proposal_id)
    if not proposal.sender_known and not sender_checked:
        raise GuardFailed(
            "This update came from an address not known on this referral: confirm you have "
            "checked with the referrer that they sent it before accepting it."
        )
    before = _risk(referral)
    new = NewAssessment(
        proposal.instrument,
        dict(proposal.answers),
        proposal.completed_date,
        dict(proposal.provenance),
        proposal.message_id,
    )
    assessment = add_assessment(session, referral, new)
    apply_rules(session, referral, policy)
    _flag_doubts(referral, proposal.needs_review)
    referral.details = {
        **referral.details,
        "risk_change": {
            "message_id": proposal.message_id,
            "from": before["dash_score"],
            "to": referral.dash_score,
            "at": utcnow().isoformat(),
        },
    }
    referral.updated_at = utcnow()
    _decide(proposal, actor, ProposalStatus.ACCEPTED, "")
    proposal.assessment_id = assessment.id
    _mark_queue(session, referral_id)
    audit.record(
        session,
        actor,
        "accept_update",
        "referral",
        referral.id,
        f"{referral.reference}: accepted the update from message {proposal.message_id} "
        f"as version {assessment.version}",
        before=before,
        after={**_risk(referral), "proposal_id": proposal.id, "sender_checked": sender_checked},
    )
    uow.commit()
    return referral


def _flag_doubts(referral: Referral, paths: list[str]) -> None:
    # Answers read with doubt now belong to the current checklist: check them like any other.
    wanted = [p for p in paths if p.startswith(("dash.", "stalking_screen.", "unreadable_parts."))]
    if wanted:
        referral.needs_review = list(dict.fromkeys([*referral.needs_review, *wanted]))


def reject(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int,
    expected_version: int | None,
    proposal_id: int,
    reason: str,
) -> Referral:
    """Refuse the proposal with a reason; the referral's record stays as it was."""
    require_role(actor, CASEWORKERS)
    if not reason.strip():
        raise GuardFailed("Give the reason for rejecting the update.")
    session = uow.session
    referral = load(session, referral_id, expected_version)
    proposal = _undecided(session, referral_id, proposal_id)
    _decide(proposal, actor, ProposalStatus.REJECTED, reason.strip())
    # The referral's version moves too, so two people deciding at once cannot both succeed.
    referral.updated_at = utcnow()
    _mark_queue(session, referral_id)
    audit.record(
        session,
        actor,
        "reject_update",
        "referral",
        referral.id,
        f"{referral.reference}: rejected the update from message {proposal.message_id}",
        before={"dash_score": referral.dash_score, "proposal_id": proposal.id},
        after={"status": "rejected", "reason": reason.strip()[:2000]},
    )
    uow.commit()
    return referral
