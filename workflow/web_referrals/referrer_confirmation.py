"""A web-form referrer confirms the email address they typed before it counts as verified.

Anyone can type a police address into the public form. Until the person at that address opens
the one-time link we mail there, the referral carries "referrer email not yet confirmed" and the
referrer rule is a check for the coordinator, whatever the domain. The link's token is kept only
as a hash and expires; opening it (a button, so a mail scanner that follows links confirms
nothing) clears the mark and runs the rules again, audited.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from workflow.actors import Actor
from workflow.assessment.assessing import REFERRER_UNCONFIRMED, apply_rules
from workflow.errors import DomainError, NotFound
from workflow.inbound import referrer_domains
from workflow.models import Referral, ReferrerConfirmation, utcnow
from workflow.models.base import persisted_id
from workflow.policy import Policy
from workflow.referrals.receiving import NewReferral
from workflow.store import audit
from workflow.store.db import UnitOfWork

UNCONFIRMED = REFERRER_UNCONFIRMED
WEB_FORM_REASON = (
    "Referrer email not yet confirmed: typed on the web form, and the link we mailed to it has "
    "not been opened."
)
MAIL_REASON = (
    "Sender not authenticated: the receiving mail server did not confirm the sender's address "
    "(SPF, DKIM, DMARC)."
)
LINK_HOURS = 72
CONFIRMER = Actor.system("referrer-confirmation")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def mark_unconfirmed(new: NewReferral, reason: str) -> None:
    """Mark an arriving referral's referrer as not yet confirmed (its rules then say check)."""
    new.fields["details"] = {**(new.fields.get("details") or {}), UNCONFIRMED: reason}


def unconfirmed(referral: Referral) -> str:
    """Return why the referrer is not yet confirmed, or "" when nothing says so."""
    return str(referral.details.get(UNCONFIRMED) or "")


def issue(session: Session, referral: Referral, email: str) -> str:
    """Store a new confirmation for the typed address and return its token (only ever mailed)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        ReferrerConfirmation(
            referral_id=persisted_id(referral),
            email=email.strip().lower()[:254],
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + timedelta(hours=LINK_HOURS),
        )
    )
    return token


# The public page the link opens.
CONFIRM_PATH = "/confirm-referrer/"  # views/referrer_confirmation.py


def link_for(session: Session, referral: Referral, base_url: str, policy: Policy) -> str | None:
    """Return a new confirmation link for the referral's typed address, when that address could
    count as a verified referrer at all (a professional domain); else None, and no link."""
    address = referral.referrer_email.strip().lower()
    if not address or not referrer_domains.is_professional(session, address, policy):
        return None
    return f"{base_url.rstrip('/')}{CONFIRM_PATH}{issue(session, referral, address)}"


class LinkNotUsable(DomainError):
    """The link has expired or was used already."""


@dataclass(frozen=True)
class Pending:
    """What the confirmation page may say: the reference only, no typed text."""

    reference: str


def _find(session: Session, token: str) -> ReferrerConfirmation:
    found = session.exec(
        select(ReferrerConfirmation).where(col(ReferrerConfirmation.token_hash) == _hash(token))
    ).first()
    if found is None:
        raise NotFound("No such link.")
    if found.confirmed_at is not None:
        raise LinkNotUsable("This link has been used already: your email address is confirmed.")
    if found.expires_at <= utcnow():
        raise LinkNotUsable("This link has expired.")
    return found


def pending(session: Session, token: str) -> Pending:
    """Return what the page shows for a usable link; raise for an unknown or spent one."""
    found = _find(session, token)
    referral = session.get(Referral, found.referral_id)
    if referral is None:
        raise NotFound("No such link.")
    return Pending(referral.reference)


def confirm(uow: UnitOfWork, token: str, policy: Policy) -> str:
    """Confirm the address, clear the mark, run the rules again (audited); return the reference."""
    session = uow.session
    found = _find(session, token)
    referral = session.get(Referral, found.referral_id)
    if referral is None:
        raise NotFound("No such link.")
    found.confirmed_at = utcnow()
    before = {UNCONFIRMED: unconfirmed(referral)}
    # Only a mark for this very address is cleared: the referrer's address may have been
    # corrected since, and the new one has not been confirmed.
    if referral.referrer_email.strip().lower() == found.email:
        referral.details = {k: v for k, v in referral.details.items() if k != UNCONFIRMED}
        apply_rules(session, referral, policy)
    audit.record(
        session,
        CONFIRMER,
        "referrer_confirmed",
        "referral",
        referral.id,
        f"{referral.reference}: the referrer opened the confirmation link",
        before=before,
        after={UNCONFIRMED: unconfirmed(referral), "email": found.email},
    )
    uow.commit()
    return referral.reference
