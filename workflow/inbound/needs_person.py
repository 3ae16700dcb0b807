"""The "Needs a person" list: what the system must not decide or answer by itself."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select

from workflow.actors import Actor
from workflow.errors import DomainError, NotFound
from workflow.models import InboundMessage, Referral, ReferralFlag, utcnow
from workflow.models.base import persisted_id
from workflow.models.mail import Disposition
from workflow.permissions import CASEWORKERS, require_role
from workflow.referrals.states import OPEN_STATES
from workflow.store import audit
from workflow.store.db import UnitOfWork

LIMIT = 100

# Shown for a person to copy, never sent by the system: the mailbox a victim writes from may be
# read by the abuser, so whether and how to answer is a person's judgement (docs/domain.md).
HELPLINE_REPLY = """\
Thank you for getting in touch. This mailbox takes referrals from professionals, so we cannot \
accept a referral from you directly, but you can get support straight away:

- In an emergency, call 999.
- National Stalking Helpline: 0808 802 0300
- National Domestic Violence Helpline (24 hours): 0808 2000 247
- Men's Advice Line: 0808 801 0327
- Galop (LGBT+ people): 0800 999 5428

A professional you are in touch with (police, GP, health visitor, social worker, housing \
officer) can also refer you to our service.
"""


@dataclass
class WaitingMessage:
    """A message no referral was made from, for a person to deal with."""

    id: int
    from_address: str
    subject: str
    received_at: datetime
    reason: str


@dataclass
class NeedsPerson:
    """Self-referrals, quarantined messages and referrals from unverified referrers."""

    self_referrals: list[WaitingMessage]
    quarantined: list[WaitingMessage]
    unverified: list[Referral]


def _messages(uow: UnitOfWork, disposition: Disposition) -> list[WaitingMessage]:
    m = InboundMessage
    query = (
        sa.select(col(m.id), col(m.from_address), col(m.subject), col(m.received_at), col(m.reason))
        .where(col(m.disposition) == disposition, col(m.dealt_with_at).is_(None))
        .order_by(col(m.received_at).desc())
        .limit(LIMIT)
    )
    return [WaitingMessage(*row) for row in uow.session.execute(query)]


def needs_a_person(uow: UnitOfWork, actor: Actor) -> NeedsPerson:
    """Return what waits for a person's judgement, newest first."""
    require_role(actor, CASEWORKERS)
    flagged = select(ReferralFlag.referral_id).where(
        col(ReferralFlag.flag) == "unverified_referrer"
    )
    unverified = uow.session.exec(
        select(Referral)
        .where(col(Referral.id).in_(flagged), col(Referral.state).in_(sorted(OPEN_STATES)))
        .order_by(col(Referral.received_at).desc())
        .limit(LIMIT)
    )
    return NeedsPerson(
        _messages(uow, Disposition.REJECT_SELF_REFERRAL),
        _messages(uow, Disposition.QUARANTINE),
        list(unverified),
    )


# Only these wait for a person; any other message is settled by what the system did with it.
WAITING = frozenset({Disposition.REJECT_SELF_REFERRAL, Disposition.QUARANTINE})


@dataclass(frozen=True)
class DealtWith:
    """Who took a waiting message off the list, when, and what they did."""

    at: datetime
    by: str
    note: str


def waiting_message(uow: UnitOfWork, actor: Actor, message_id: int) -> WaitingMessage:
    """Return a message that still waits for a person (for the "dealt with" page)."""
    require_role(actor, CASEWORKERS)
    message = _waiting(uow, message_id)
    return WaitingMessage(
        persisted_id(message),
        message.from_address,
        message.subject,
        message.received_at,
        message.reason,
    )


def mark_dealt_with(uow: UnitOfWork, actor: Actor, message_id: int, note: str) -> None:
    """Take a self-referral or quarantined message off the list, saying what was done.

    The note is required: "replied with the helplines", "not safe to reply", "junk" are all
    decisions a later reader must be able to see. The message itself is kept as it was.
    """
    require_role(actor, CASEWORKERS)
    note = note.strip()
    if not note:
        raise DomainError("Enter what was done")
    message = _waiting(uow, message_id, lock=True)
    message.dealt_with_at = utcnow()
    message.dealt_with_by = actor.label[:254]
    message.dealt_with_note = note[:2000]
    uow.session.add(message)
    audit.record(
        uow.session,
        actor,
        "dealt_with",
        "inbound_message",
        message.id,
        f"Marked message {message.id} as dealt with",
        before={"disposition": message.disposition.value},
        after={"note": message.dealt_with_note},
    )
    uow.commit()


def dealt_with(uow: UnitOfWork, message_id: int) -> DealtWith | None:
    """Return how a person settled the message, if one has (for the message's page)."""
    message = uow.session.get(InboundMessage, message_id)
    if message is None or message.dealt_with_at is None:
        return None
    return DealtWith(message.dealt_with_at, message.dealt_with_by, message.dealt_with_note)


def _waiting(uow: UnitOfWork, message_id: int, lock: bool = False) -> InboundMessage:
    message = uow.session.get(InboundMessage, message_id, with_for_update=lock)
    if message is None:
        raise NotFound("No such message.")
    if message.disposition not in WAITING:
        raise DomainError("This message does not wait for a person.")
    if message.dealt_with_at is not None:
        raise DomainError(f"{message.dealt_with_by} already dealt with this message.")
    return message
