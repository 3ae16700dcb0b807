"""Settle a recorded message once: what it is, made so in one transaction with what it becomes.

What flows in: a pending `InboundMessage` and the reader's `Reading` of it (mailbox/ingest.py).
What flows out: a new referral, an update proposed to a referral in its thread
(workflow/inbound/threads.py), a duplicate (workflow/inbound/duplicates.py), an automatic reply
or bounce ignored, a victim writing in (kept for a person, never answered automatically), or
quarantine with the reason. Settling happens in one transaction with the referral it creates, so
a crash leaves the message pending and the next attempt settles it once; a message that always
fails is set aside after SET_ASIDE_AFTER attempts.
"""

from sqlmodel import Session

from workflow.actors import Actor
from workflow.errors import NotFound
from workflow.inbound import senders
from workflow.inbound.arrival import (
    Reading,
    Settled,
    reference_of,
    referral_read,
)
from workflow.inbound.duplicates import duplicate_of
from workflow.inbound.threads import in_thread, thread_referral
from workflow.models import InboundMessage, Referral, utcnow
from workflow.models.base import persisted_id
from workflow.models.mail import Disposition
from workflow.models.referral import Source
from workflow.policy import Policy
from workflow.referrals.acknowledgement import queue_acknowledgement
from workflow.referrals.receiving import receive_referral
from workflow.store import audit
from workflow.store.db import UnitOfWork
from workflow.web_referrals import referrer_confirmation

# Channels whose senders expect an acknowledgement: the mailbox and saved mailbox messages. A
# coordinator's upload is acknowledged by the coordinator, who knows the context.
ACKNOWLEDGED_CHANNELS = frozenset({"imap", "cli"})
IGNORED = {
    "ignore_autoreply": Disposition.IGNORE_AUTOREPLY,
    "ignore_bounce": Disposition.IGNORE_BOUNCE,
}
SELF_REFERRAL_REASON = (
    "A victim seems to be writing in themselves: a person must answer with the helplines. "
    "No automatic reply is sent."
)


# A message that failed to settle this many times in a row is set aside in quarantine, never
# retried for ever (a passing fault clears long before; a message that always fails never does).
SET_ASIDE_AFTER = 5


def start_attempt(uow: UnitOfWork, actor: Actor, message_id: int) -> bytes | None:
    """Count one more attempt to settle a pending message and commit; return its raw bytes, or
    None when it is settled already or has now been set aside after too many attempts."""
    message = uow.session.get(InboundMessage, message_id, with_for_update=True)
    if message is None:
        raise NotFound("No such message.")
    if message.disposition is not Disposition.PENDING:
        return None
    if message.attempts >= SET_ASIDE_AFTER:
        why = (
            f"Set aside: it could not be settled in {message.attempts} attempts in a row "
            f"({message.reason or 'no reason given'}). It is kept whole for a person to read."
        )
        message.disposition, message.reason = Disposition.QUARANTINE, why[:2000]
        message.processed_at = utcnow()
        audit.record(uow.session, actor, "quarantine", "inbound_message", message.id, why)
        uow.commit()
        return None
    message.attempts += 1
    uow.commit()
    return message.raw


def note_failed_attempt(uow: UnitOfWork, message_id: int, reason: str) -> None:
    """Keep why the last attempt left the message pending (shown when it is set aside)."""
    message = uow.session.get(InboundMessage, message_id)
    if message is not None and message.disposition is Disposition.PENDING:
        message.reason = reason[:2000]
        uow.commit()


class _Joined(UnitOfWork):
    """A unit of work over the caller's session whose commit only flushes: a use case that
    commits joins the caller's transaction instead, so the message and its referral commit
    together or not at all."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def commit(self) -> None:
        self.session.flush()


def settle(
    uow: UnitOfWork, actor: Actor, message: InboundMessage, reading: Reading, policy: Policy
) -> Settled:
    """Decide what a pending message is, make it so, and commit it all in one transaction."""
    session = uow.session
    if message.disposition is not Disposition.PENDING:  # settled already: settle once
        return Settled(persisted_id(message), message.disposition, reference_of(session, message))
    disposition, referral, reason = _decide(session, actor, message, reading, policy)
    message.disposition = disposition
    message.reason = reason[:2000]
    message.referral_id = referral.id if referral is not None else message.referral_id
    message.extraction = {
        **reading.record,
        **({"sources": reading.sources} if reading.sources else {}),
        **({"text_preview": reading.preview} if reading.preview else {}),
    }
    message.processed_at = utcnow()
    audit.record(
        session,
        actor,
        "settle",
        "inbound_message",
        message.id,
        f"Message {message.id} settled as {disposition.value}",
        after={"disposition": disposition.value, "referral_id": message.referral_id},
    )
    uow.commit()
    return Settled(persisted_id(message), disposition, reference_of(session, message), reason)


def quarantine(uow: UnitOfWork, actor: Actor, message_id: int, reason: str) -> Settled:
    """Quarantine a pending message that could not be settled, with the reason, and commit."""
    message = uow.session.get(InboundMessage, message_id)
    if message is None:
        raise NotFound("No such message.")
    if message.disposition is Disposition.PENDING:
        message.disposition, message.reason = Disposition.QUARANTINE, reason[:2000]
        message.processed_at = utcnow()
        audit.record(uow.session, actor, "quarantine", "inbound_message", message.id, reason)
        uow.commit()
    return Settled(persisted_id(message), message.disposition, None, message.reason)


def _decide(
    session: Session, actor: Actor, message: InboundMessage, reading: Reading, policy: Policy
) -> tuple[Disposition, Referral | None, str]:
    kind = str(reading.record.get("disposition") or "quarantine")
    if kind in IGNORED:
        return IGNORED[kind], None, "Automatic reply, bounce or our own mail: never answered."
    earlier, why = duplicate_of(session, message)
    if earlier is not None:
        original = session.get(Referral, earlier.referral_id) if earlier.referral_id else None
        return Disposition.DUPLICATE, original, f"Same {why} as message {earlier.id}."
    thread = thread_referral(session, message, reading)
    if thread is not None:
        return in_thread(session, actor, message, reading, thread, policy)
    if kind == "referral":
        return Disposition.REFERRAL, _new_referral(session, actor, message, reading, policy), ""
    if kind == "reject_self_referral":
        return Disposition.REJECT_SELF_REFERRAL, None, SELF_REFERRAL_REASON
    return Disposition.QUARANTINE, None, reading.reason or "No referral form found."


def _new_referral(
    session: Session, actor: Actor, message: InboundMessage, reading: Reading, policy: Policy
) -> Referral:
    source = Source.UPLOAD if message.channel == "upload" else Source.EMAIL
    new = referral_read(reading, message, source)
    if not new.fields.get("referrer_email") and message.channel != "upload":
        new.fields["referrer_email"] = message.from_address  # the sender is the referrer
    if not senders.vouched(message):
        referrer_confirmation.mark_unconfirmed(new, referrer_confirmation.MAIL_REASON)
    referral = receive_referral(_Joined(session), actor, new, policy)
    if message.channel in ACKNOWLEDGED_CHANNELS and senders.professional(session, message, policy):
        queue_acknowledgement(
            session,
            referral,
            policy,
            in_reply_to=message.message_id or None,
            references=" ".join(reading.references) or None,
        )
    return referral
