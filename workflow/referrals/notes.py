"""Notes on a referral, and linking a referral as a duplicate of another."""

from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select, update

from workflow.actors import Actor
from workflow.deadlines.steps import due_columns
from workflow.errors import GuardFailed, NotFound, PermissionDenied
from workflow.models import Note, Referral, utcnow
from workflow.models.base import persisted_id
from workflow.permissions import CASE_READERS, CASEWORKERS, may_read, require_role
from workflow.policy import Policy
from workflow.referrals.casework import load
from workflow.referrals.reference import staff_finds
from workflow.store import audit
from workflow.store.db import UnitOfWork

MAX_NOTE = 10_000
ACTIVITY_ATTEMPTS = 5


def add_note(uow: UnitOfWork, actor: Actor, referral_id: int, text: str, policy: Policy) -> Note:
    """Add a note; notes never conflict, so no version is checked. A note is activity."""
    require_role(actor, CASE_READERS)
    referral = uow.session.get(Referral, referral_id)
    if referral is None:
        raise NotFound("No such referral.")
    if not may_read(actor, referral):
        raise PermissionDenied("This referral is not allocated to you.")
    if not text.strip():
        raise GuardFailed("Enter the note.")
    if len(text) > MAX_NOTE:
        raise GuardFailed(f"A note must be {MAX_NOTE:,} characters or fewer.")
    note = _note(referral, actor, text.strip())
    uow.session.add(note)
    count_as_activity(uow.session, referral, policy)
    audit.record(uow.session, actor, "note", "referral", referral_id, "Note added")
    uow.commit()
    return note


def count_as_activity(session: Session, referral: Referral, policy: Policy) -> None:
    """Restart the referral's review clock and store its new due time, without a new version.

    The clock is written beside the version, not through it: a note neither fails because
    someone changed the referral meanwhile nor makes their open form stale. The write is
    conditional on the version it was worked out from, so it never overwrites the due time of
    a change committed meanwhile; it is worked out again from that change instead.
    """
    for _ in range(ACTIVITY_ATTEMPTS):
        now = utcnow()
        # Set as loaded, not as changed: the ORM must not write the row (and move the version).
        set_committed_value(referral, "last_activity_at", now)
        due_at, due_kind = due_columns(referral, policy)
        written = session.execute(
            update(Referral)
            .where(col(Referral.id) == referral.id, col(Referral.version) == referral.version)
            .values(last_activity_at=now, due_at=due_at, due_kind=due_kind)
            .execution_options(synchronize_session=False)
        )
        if getattr(written, "rowcount", 0) == 1:
            set_committed_value(referral, "due_at", due_at)
            set_committed_value(referral, "due_kind", due_kind)
            return
        session.refresh(referral)  # changed meanwhile: work it out from the change
    raise GuardFailed("The referral is changing too often to add a note; try again.")


def _note(referral: Referral, actor: Actor, text: str, kind: str = "note") -> Note:
    return Note(
        referral_id=persisted_id(referral),
        kind=kind,
        text=text,
        author_id=actor.id,
        author_label=actor.label,
    )


def link_duplicate(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int,
    expected_version: int | None,
    original_reference: str,
    reason: str,
) -> Referral:
    """Record that this referral duplicates an earlier one; closing it is a separate decision."""
    require_role(actor, CASEWORKERS)
    if not reason.strip():
        raise GuardFailed("Give the reason you think it is a duplicate.")
    referral = load(uow.session, referral_id, expected_version)
    wanted = original_reference.strip().upper()
    original = uow.session.exec(select(Referral).where(staff_finds(wanted))).first()
    if original is None:
        raise GuardFailed(f"There is no referral {wanted}.")
    if original.id == referral.id:
        raise GuardFailed("A referral cannot duplicate itself.")
    before = referral.duplicate_of_id
    referral.duplicate_of_id = original.id
    referral.updated_at = utcnow()
    uow.session.add(
        _note(referral, actor, f"Duplicate of {original.reference}: {reason}", "duplicate_link")
    )
    audit.referral_changed(
        uow.session,
        actor,
        referral.id,
        f"Linked as duplicate of {original.reference}",
        before={"duplicate_of_id": before},
        after={"duplicate_of_id": original.id, "reason": reason.strip()},
    )
    uow.commit()
    return referral
