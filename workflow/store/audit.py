"""Write the audit trail, and refuse any change or deletion of what is already written."""

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session  # the base class, so every session is guarded

from workflow.actors import Actor
from workflow.models import AuditEvent


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: int | None,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event in the caller's transaction."""
    audit_event = AuditEvent(
        actor_id=actor.id,
        actor_label=actor.label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:500],
        before=before,
        after=after,
    )
    session.add(audit_event)
    return audit_event


def referral_changed(
    session: Session,
    actor: Actor,
    referral_id: int | None,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record a change to a referral: the casework's commonest audit event."""
    return record(session, actor, "change", "referral", referral_id, summary, before, after)


class AuditIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit event."""


@event.listens_for(Session, "before_flush")
def _refuse_audit_edits(session: Session, _context: Any, _instances: Any) -> None:
    touched = [o for o in (*session.dirty, *session.deleted) if isinstance(o, AuditEvent)]
    if touched:
        raise AuditIsAppendOnly("Audit events cannot be changed or deleted.")
