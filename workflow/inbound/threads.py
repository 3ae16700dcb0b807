"""Mail in a referral's thread: which referral a message replies to, and what its reply does.

A reply carrying a form becomes a proposal (workflow/inbound/proposals.py) that a coordinator
accepts or rejects; a reply without one is flagged on the referral for a person to read. A
stranger's update (someone not yet on the referral) is marked so it is checked first.
"""

from sqlmodel import Session, col, select

from workflow.actors import Actor
from workflow.inbound import proposals, senders
from workflow.inbound.arrival import Reading, referral_read
from workflow.models import InboundMessage, Outbox, Referral
from workflow.models.base import persisted_id
from workflow.models.mail import Disposition
from workflow.models.referral import Source
from workflow.policy import Policy
from workflow.referrals.reference import reference_in
from workflow.store import audit


def thread_referral(session: Session, message: InboundMessage, reading: Reading) -> Referral | None:
    """Return the referral this message replies to: by subject tag, or by its thread headers."""
    tag = reference_in(message.subject)
    if tag:
        found = session.exec(select(Referral).where(col(Referral.reference) == tag)).first()
        if found is not None:
            return found
    ids = [i for i in (reading.in_reply_to, *reading.references) if i][:50]
    if not ids:
        return None
    replied = session.exec(
        select(InboundMessage)
        .where(
            col(InboundMessage.message_id).in_(ids),
            col(InboundMessage.referral_id).is_not(None),
            col(InboundMessage.id) != message.id,
        )
        .order_by(col(InboundMessage.id).desc())
    ).first()
    if replied is not None:
        return session.get(Referral, replied.referral_id)
    return _acknowledged(session, ids)


def _acknowledged(session: Session, ids: list[str]) -> Referral | None:
    """The referral whose mail from us (its Message-ID kept on the outbox row) this answers."""
    mail = session.exec(
        select(Outbox)
        .where(col(Outbox.message_id).in_(ids), col(Outbox.referral_id).is_not(None))
        .order_by(col(Outbox.id).desc())  # the newest of our mails in the thread
    ).first()
    return session.get(Referral, mail.referral_id) if mail is not None else None


def in_thread(
    session: Session,
    actor: Actor,
    message: InboundMessage,
    reading: Reading,
    referral: Referral,
    policy: Policy,
) -> tuple[Disposition, Referral | None, str]:
    """Settle a message in a referral's thread: a form becomes a proposed update; a reply
    without one is flagged for a person to read."""
    kind = reading.record.get("disposition")
    if kind == "referral" and reading.record.get("referral"):
        known = senders.known_for_referral(session, message, referral, policy)
        reason = _propose_update(session, actor, message, reading, referral, known)
        if not known:
            # A reference in a subject is easy to copy: a stranger's update is checked first.
            reason += " Sent by someone not yet on this referral: check who sent it."
        return Disposition.UPDATE, referral, reason
    if reading.record.get("unreadable_parts"):
        return (
            Disposition.QUARANTINE,
            referral,
            reading.reason or "An attachment could not be read.",
        )
    _flag(referral, f"message.{message.id}")
    audit.record(
        session,
        actor,
        "correspondence",
        "referral",
        referral.id,
        f"Reply without a form: message {message.id}",
    )
    return Disposition.UPDATE, referral, "A reply in the thread without a form: read it."


def _propose_update(
    session: Session,
    actor: Actor,
    message: InboundMessage,
    reading: Reading,
    referral: Referral,
    sender_known: bool,
) -> str:
    """Keep the reply's checklists as proposals for a coordinator (workflow.inbound.proposals): the
    referral's risk, criteria, deadlines and state stay as they are until one is accepted."""
    new = referral_read(reading, message, Source.EMAIL)
    return proposals.propose(
        session,
        actor,
        referral,
        persisted_id(message),
        message.from_address,
        new.assessments,
        new.needs_review,
        sender_known,
    )


def _flag(referral: Referral, *paths: str) -> None:
    referral.needs_review = list(dict.fromkeys([*referral.needs_review, *paths]))
