"""Who sent a message, as far as we may believe it: one answer for settling, threads and pages.

A From: address counts only when the receiving server vouched for it (workflow/inbound/
sender_authentication.py); then it is a professional's when its domain is an agency's
(workflow/inbound/referrer_domains.py), and known on a referral when it is the referrer's, a
professional's, or made or updated that referral before (docs/domain.md).
"""

import sqlalchemy as sa
from sqlmodel import Session, col, select

from workflow.inbound import referrer_domains, sender_authentication
from workflow.models import InboundMessage, Referral
from workflow.models.mail import Disposition
from workflow.models.proposals import ProposalStatus, ProposedAssessment
from workflow.policy import Policy


def vouched(message: InboundMessage) -> bool:
    """Say whether the receiving server authenticated the message's From: address."""
    return sender_authentication.counts_as_known(message.sender_check)


def professional(session: Session, message: InboundMessage, policy: Policy) -> bool:
    """Say whether the message is vouched for and comes from a professional agency's domain."""
    return vouched(message) and referrer_domains.is_professional(
        session, message.from_address, policy
    )


def known_on_page(session: Session, message: InboundMessage, policy: Policy) -> bool:
    """Say whether a message's page may offer its original without a warning: vouched for, and
    on a referral already or from a professional address."""
    return (message.referral_id is not None and vouched(message)) or professional(
        session, message, policy
    )


def known_for_referral(
    session: Session, message: InboundMessage, referral: Referral, policy: Policy
) -> bool:
    """The referrer, a professional address, or someone whose earlier mail about this referral
    made it or was accepted as an update (a rejected update makes nobody known)."""
    sender = message.from_address
    if not vouched(message):
        return False  # the receiving server did not vouch for the From: address
    if not sender or sender == referral.referrer_email.lower():
        return bool(sender)
    if referrer_domains.is_professional(session, sender, policy):
        return True
    accepted = select(ProposedAssessment.message_id).where(
        col(ProposedAssessment.referral_id) == referral.id,
        col(ProposedAssessment.status) == ProposalStatus.ACCEPTED,
    )
    earlier = select(InboundMessage.id).where(
        col(InboundMessage.referral_id) == referral.id,
        col(InboundMessage.from_address) == sender,
        col(InboundMessage.id) != message.id,
        sa.or_(
            col(InboundMessage.disposition) == Disposition.REFERRAL,
            col(InboundMessage.id).in_(accepted),
        ),
    )
    return session.exec(earlier.limit(1)).first() is not None
