"""Notes on a referral, and linking a referral as a duplicate of another."""

from sqlmodel import col, select

from workflow import audit
from workflow.actors import Actor
from workflow.casefile import may_read
from workflow.casework import CASEWORKERS, load, require_role
from workflow.db import UnitOfWork
from workflow.errors import GuardFailed, NotFound, PermissionDenied
from workflow.models import Note, Referral, utcnow
from workflow.models.base import persisted_id
from workflow.models.staff import Role

MAX_NOTE = 10_000


def add_note(uow: UnitOfWork, actor: Actor, referral_id: int, text: str) -> Note:
    """Add a note; notes never conflict, so no version is checked."""
    require_role(actor, CASEWORKERS | {Role.IDVA})
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
    audit.record(uow.session, actor, "note", "referral", referral_id, "Note added")
    uow.commit()
    return note


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
    original = uow.session.exec(select(Referral).where(col(Referral.reference) == wanted)).first()
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
    audit.record(
        uow.session,
        actor,
        "change",
        "referral",
        referral.id,
        f"Linked as duplicate of {original.reference}",
        before={"duplicate_of_id": before},
        after={"duplicate_of_id": original.id, "reason": reason.strip()},
    )
    uow.commit()
    return referral
