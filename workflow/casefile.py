"""Reading referrals as staff: every look at a referral is audited, and IDVAs see only their own."""

from dataclasses import dataclass

from sqlmodel import col, func, select

from workflow import audit
from workflow.actors import Actor
from workflow.db import UnitOfWork
from workflow.errors import NotFound, PermissionDenied
from workflow.models import Assessment, AuditEvent, Referral, StateChange
from workflow.models.staff import Role
from workflow.states import OPEN_STATES, State

CASE_READERS = frozenset({Role.COORDINATOR, Role.MANAGER, Role.IDVA})


@dataclass
class CaseFile:
    """A referral with everything a coordinator reads on its page."""

    referral: Referral
    assessments: list[Assessment]
    history: list[StateChange]
    audit_trail: list[AuditEvent]


def may_read(actor: Actor, referral: Referral) -> bool:
    """Say whether the actor may see this referral's content."""
    if actor.role in (Role.COORDINATOR, Role.MANAGER):
        return True
    return actor.role is Role.IDVA and referral.allocated_idva_id == actor.id


def open_case(uow: UnitOfWork, actor: Actor, referral_id: int) -> CaseFile:
    """Return the referral's case file and record that the actor viewed it."""
    session = uow.session
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFound("No such referral.")
    if not may_read(actor, referral):
        audit.record(session, actor, "view_refused", "referral", referral_id)
        uow.commit()
        raise PermissionDenied("This referral is not allocated to you.")
    audit.record(session, actor, "view", "referral", referral_id, referral.reference)
    uow.commit()
    return CaseFile(
        referral,
        list(session.exec(select(Assessment).where(col(Assessment.referral_id) == referral_id))),
        list(
            session.exec(
                select(StateChange)
                .where(col(StateChange.referral_id) == referral_id)
                .order_by(col(StateChange.at), col(StateChange.id))
            )
        ),
        list(
            session.exec(
                select(AuditEvent)
                .where(col(AuditEvent.object_type) == "referral")
                .where(col(AuditEvent.object_id) == referral_id)
                .order_by(col(AuditEvent.at), col(AuditEvent.id))
            )
        ),
    )


def open_referrals(uow: UnitOfWork, actor: Actor, limit: int = 50) -> list[Referral]:
    """Return open referrals the actor may see, newest first (the full queue is its own module)."""
    query = select(Referral).where(col(Referral.state).in_(OPEN_STATES))
    if actor.role is Role.IDVA:
        query = query.where(col(Referral.allocated_idva_id) == actor.id)
    elif actor.role not in CASE_READERS:
        raise PermissionDenied("Your role does not allow reading referrals.")
    query = query.order_by(col(Referral.received_at).desc()).limit(limit)
    return list(uow.session.exec(query))


def counts_by_state(uow: UnitOfWork) -> dict[State, int]:
    """Return how many referrals are in each state."""
    rows = uow.session.exec(select(Referral.state, func.count()).group_by(Referral.state))
    return {State(state): count for state, count in rows}
