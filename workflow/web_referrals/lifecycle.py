"""A web referral draft from start to send: start, save a page, check, send, discard.

Each step is one short transaction of its own, run again (briefly, with jitter) when a
concurrent one won a race: two first requests from one address insert the same counter, or two
tabs save one draft. The draft itself is kept by `drafts`; this module says when each step
commits and how long a draft lasts. What the pages ask and how they are validated is forms/.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from workflow.models.drafts import ReferralDraft
from workflow.models.referral import Pathway
from workflow.policy import Policy
from workflow.referrals.receiving import NewReferral
from workflow.store import throttle
from workflow.store.db import Database
from workflow.store.retries import retried
from workflow.web_referrals import drafts

T = TypeVar("T")
PER_HOUR = timedelta(hours=1)  # the window of the per-client limits


@dataclass(frozen=True)
class Lifetimes:
    """How long a draft lasts unused: much shorter when the referrer said the computer is shared
    (REFERRAL_DRAFT_HOURS, REFERRAL_SHARED_DRAFT_MINUTES)."""

    hours: int
    shared_minutes: int

    def of(self, shared: bool) -> timedelta:
        """Return how long a draft lasts unused."""
        return timedelta(minutes=self.shared_minutes) if shared else timedelta(hours=self.hours)

    def words(self, shared: bool) -> str:
        """Say how long a draft lasts unused, for the referrer."""
        return f"{self.shared_minutes} minutes" if shared else f"{self.hours} hours"


def _race(attempt: Callable[[], T]) -> T:
    return retried(attempt, pause=0.02, jitter=True)


def allowed(db: Database, what: str, client: str, limit: int) -> bool:
    """Count one attempt to `what` ("start", "send") by this client; say if it is within limit."""

    def attempt() -> bool:
        with db.uow() as work:
            ok = throttle.allow(work.session, f"referral-{what}:{client}", limit, PER_HOUR)
            work.commit()
            return ok

    return _race(attempt)


def begin(db: Database, pathway: Pathway, lifetime: timedelta, carried: dict[str, Any]) -> str:
    """Start a draft (with any pages carried over) and return its secret token."""

    def attempt() -> str:
        with db.uow() as work:
            token = drafts.start(work.session, pathway, lifetime, carried)
            work.commit()
            return token

    return _race(attempt)


def first_unsaved(asked: list[str], stored: dict[str, Any]) -> str | None:
    """Return the first page asked that the draft has not saved yet, if any."""
    return next((slug for slug in asked if slug not in stored), None)


def find(db: Database, token: str | None, pathway: Pathway) -> ReferralDraft | None:
    """Return the live draft for this token (sent or not), or None."""
    with db.uow() as work:
        return drafts.find(work.session, token, pathway)


def unsent_pages(db: Database, token: str | None, pathway: Pathway) -> dict[str, Any] | None:
    """Return the pages of a live draft not yet sent (to carry to another form), else None."""
    draft = find(db, token, pathway)
    return draft.pages if draft and not draft.submitted_at else None


def save_page(
    db: Database,
    token: str | None,
    pathway: Pathway,
    slug: str,
    fields: dict[str, list[str]],
    lifetime: timedelta,
) -> ReferralDraft | None:
    """Keep a valid page in its draft unless it was sent; return the draft (None when gone)."""

    def attempt() -> ReferralDraft | None:
        with db.uow() as work:
            draft = drafts.find(work.session, token, pathway)
            if draft is not None and not draft.submitted_at:
                drafts.save_page(draft, slug, fields, lifetime)
                work.commit()
            return draft

    return _race(attempt)


def send(
    db: Database,
    token: str | None,
    submit_token: str,
    build: Callable[[dict[str, Any]], NewReferral],
    policy: Policy,
    base_url: str,
) -> drafts.Submission:
    """Send the draft exactly once (drafts.submit); DraftExpired or DraftChanged say why not."""

    def attempt() -> drafts.Submission:
        with db.uow() as work:
            return drafts.submit(work, token, submit_token, build, policy, base_url)

    return _race(attempt)


def collect_sent(db: Database, token: str | None, pathway: Pathway) -> tuple[str, dict[str, Any]]:
    """Return a sent draft's reference and, the first time only, its answers to print."""
    with db.uow() as work:
        draft = drafts.find(work.session, token, pathway)
        reference = draft.reference if draft else ""
        sent = drafts.take_sent_copy(draft) if draft else {}
        work.commit()
    return reference, sent


def discard(db: Database, token: str | None) -> None:
    """Delete a draft and everything typed into it."""
    with db.uow() as work:
        drafts.discard(work.session, token)
        work.commit()
