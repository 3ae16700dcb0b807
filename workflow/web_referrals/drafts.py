"""Web referral drafts: saved page by page on the server, expiring, submitted exactly once.

The browser holds only an opaque token (in its session cookie, never in a URL); the database holds
its hash. Submitting claims the draft with one conditional UPDATE before anything else, so a double
click, a second tab or back-and-resubmit finds it already claimed and gets the same reference.
"""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, delete, select

from workflow.actors import Actor
from workflow.errors import DomainError
from workflow.models import utcnow
from workflow.models.drafts import ReferralDraft
from workflow.models.referral import Pathway
from workflow.policy import Policy
from workflow.referrals.acknowledgement import queue_acknowledgement
from workflow.referrals.receiving import NewReferral, admit_referral, number_referral
from workflow.store.db import UnitOfWork
from workflow.web_referrals import referrer_confirmation

WEB_FORM = Actor.system("web-form")
KEPT_AFTER_SENDING = timedelta(hours=1)


class DraftExpired(DomainError):
    """The draft is gone: it expired, was deleted, or never existed."""


class DraftChanged(DomainError):
    """The answers changed after this check-your-answers page was shown."""


@dataclass(frozen=True)
class Submission:
    """The outcome of submitting a draft: its referral, and whether this call created it."""

    reference: str
    referral_id: int
    created: bool


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(
    session: Session,
    pathway: Pathway,
    lifetime: timedelta,
    pages: dict[str, Any] | None = None,
) -> str:
    """Create an empty draft (or one with pages carried over) and return its secret token."""
    now = utcnow()
    purge_expired(session, now)
    token = secrets.token_urlsafe(32)
    session.add(
        ReferralDraft(
            token_hash=_hash(token),
            pathway=pathway,
            pages=dict(pages or {}),
            submit_token=secrets.token_urlsafe(16),
            expires_at=now + lifetime,
        )
    )
    return token


def find(session: Session, token: str | None, pathway: Pathway) -> ReferralDraft | None:
    """Return the live draft for this token and pathway, or None."""
    if not token:
        return None
    draft = session.exec(
        select(ReferralDraft).where(ReferralDraft.token_hash == _hash(token))
    ).first()
    if draft is None or draft.pathway != pathway or draft.expires_at <= utcnow():
        return None
    return draft


def save_page(
    draft: ReferralDraft, slug: str, fields: dict[str, list[str]], lifetime: timedelta
) -> None:
    """Keep one page's answers, push the expiry back, and void any earlier submit token."""
    now = utcnow()
    draft.pages = {**draft.pages, slug: fields}
    draft.updated_at, draft.expires_at = now, now + lifetime
    draft.submit_token = secrets.token_urlsafe(16)


def take_sent_copy(draft: ReferralDraft) -> dict[str, Any]:
    """Return a sent draft's answers for the confirmation page, once: the draft keeps none after.

    A sent referral's answers live in the referral; the draft held them only so the page that
    confirms the send can show the referrer their own copy to print.
    """
    if draft.submitted_at is None:
        return {}
    sent, draft.pages = dict(draft.pages), {}
    return sent


def discard(session: Session, token: str | None) -> None:
    """Delete a draft and everything typed into it."""
    if token:
        session.execute(delete(ReferralDraft).where(col(ReferralDraft.token_hash) == _hash(token)))


def purge_expired(session: Session, now: datetime | None = None) -> int:
    """Delete every expired draft; return how many went."""
    result = session.execute(
        delete(ReferralDraft).where(col(ReferralDraft.expires_at) <= (now or utcnow()))
    )
    return int(getattr(result, "rowcount", 0) or 0)


def submit(
    uow: UnitOfWork,
    token: str | None,
    submit_token: str,
    build: Callable[[dict[str, Any]], NewReferral],
    policy: Policy,
    base_url: str = "",
) -> Submission:
    """Turn the draft into a received referral and acknowledge the referrer, once, in one commit."""
    session, now = uow.session, utcnow()
    # First statement of the transaction: on SQLite it takes the write lock before any read. It
    # returns the draft it claimed, so the usual send reads nothing more; only a draft it did not
    # claim is looked up, to say why.
    claimed = session.scalars(
        sa.update(ReferralDraft)
        .where(
            col(ReferralDraft.token_hash) == _hash(token or ""),
            col(ReferralDraft.submit_token) == submit_token,
            col(ReferralDraft.submitted_at).is_(None),
            col(ReferralDraft.expires_at) > now,
        )
        .values(submitted_at=now)
        .returning(ReferralDraft)
    ).first()
    draft = (
        claimed
        or session.exec(
            select(ReferralDraft).where(ReferralDraft.token_hash == _hash(token or ""))
        ).first()
    )
    if draft is None or (draft.expires_at <= now and draft.submitted_at is None):
        raise DraftExpired("Your answers have been deleted because you did not use them in time.")
    if claimed is None:
        if draft.referral_id is not None:
            return Submission(draft.reference, draft.referral_id, created=False)
        raise DraftChanged("Your answers have changed. Check them again before you send them.")
    new = build(draft.pages)
    # Anyone can type a police address: it counts once its owner opens the link mailed to it.
    referrer_confirmation.mark_unconfirmed(new, referrer_confirmation.WEB_FORM_REASON)
    # Received as receive_referral does, in this transaction: the confirmation link is written
    # before the referral takes its number, so that it is not written while the year's counter
    # is held (number_referral).
    referral = admit_referral(session, WEB_FORM, new, policy)
    link = referrer_confirmation.link_for(session, referral, base_url, policy)
    number_referral(session, WEB_FORM, referral)
    queue_acknowledgement(session, referral, policy, confirm_link=link)
    draft.referral_id, draft.reference = referral.id, referral.reference
    # The answers stay only until the confirmation page shows them once, as the referrer's own
    # printable copy (take_sent_copy); the draft itself goes soon after sending.
    draft.expires_at = min(draft.expires_at, now + KEPT_AFTER_SENDING)
    uow.commit()
    return Submission(referral.reference, referral.id or 0, created=True)
