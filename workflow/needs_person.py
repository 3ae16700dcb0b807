"""The "Needs a person" list: what the system must not decide or answer by itself."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select

from workflow.actors import Actor
from workflow.casework import CASEWORKERS, require_role
from workflow.db import UnitOfWork
from workflow.models import InboundMessage, Referral, ReferralFlag
from workflow.models.mail import Disposition
from workflow.states import OPEN_STATES

LIMIT = 100

# Shown for a person to copy, never sent by the system: the mailbox a victim writes from may be
# read by the abuser, so whether and how to answer is a person's judgement (domain.md).
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
        .where(col(m.disposition) == disposition)
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
