"""A sitting's case list (the agenda): what agencies need to search their records, nothing more.

Each row carries the reference, the victim's and perpetrators' names and dates of birth, the
address and the children — not the risk checklist, the referrer's narrative or contact details
(issue 18). Showing the agenda is a look at every case on it, so the referrals shown are
recorded in the audit trail, to whom, as the queue's lists are (docs/domain.md).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import col, select

from workflow.actors import Actor
from workflow.errors import NotFound
from workflow.meetings.lifecycle import ACTIVE_MEETING_STATES
from workflow.meetings.models import (
    AgencyResearch,
    ListingChange,
    MaracAction,
    MaracListing,
    MaracSitting,
    MeetingState,
)
from workflow.meetings.transitions import load_sitting
from workflow.models import Referral
from workflow.record.catalogue import uk_date
from workflow.rules.outcome import was_met
from workflow.store import audit
from workflow.store.db import UnitOfWork

REPEAT_MARAC = "repeat_marac"  # the rule's name (workflow/rules/risk.py)


@dataclass(frozen=True)
class Person:
    """A name and date of birth as the agenda shows them."""

    name: str
    date_of_birth: str


@dataclass(frozen=True)
class AgendaCase:
    """One case on a sitting's agenda."""

    listing_id: int
    listing_version: int
    referral_id: int
    reference: str
    state: MeetingState
    victim: Person
    address: str
    perpetrators: tuple[Person, ...]
    children: tuple[str, ...]
    children_in_household: int | None
    relisted: bool
    # A repeat MARAC (docs/domain.md): agencies and the SafeLives return count these.
    repeat: bool = False


@dataclass(frozen=True)
class Agenda:
    """A sitting and its cases in the order they were listed."""

    sitting: MaracSitting
    cases: tuple[AgendaCase, ...]
    adjourned: tuple[AgendaCase, ...]


def _perpetrator(entry: dict[str, Any]) -> Person:
    born = entry.get("date_of_birth")
    age = entry.get("age")
    shown = uk_date(born) if born else (f"Age {age}" if age not in (None, "") else "Not known")
    return Person(str(entry.get("name") or "Not known"), shown)


def _case(listing: MaracListing, referral: Referral) -> AgendaCase:
    born = referral.victim_date_of_birth
    address = ", ".join(p for p in (referral.victim_address, referral.victim_postcode) if p)
    children = tuple(
        str(child.get("details") or "").strip()
        for child in referral.children or []
        if str(child.get("details") or "").strip()
    )
    return AgendaCase(
        listing_id=listing.id or 0,
        listing_version=listing.version,
        referral_id=referral.id or 0,
        reference=referral.reference,
        state=listing.state,
        victim=Person(referral.victim_name or "Not known", uk_date(born) if born else "Not known"),
        address=address or "Not known",
        perpetrators=tuple(_perpetrator(p) for p in referral.perpetrators or []),
        children=children,
        children_in_household=referral.children_in_household,
        relisted=listing.relisted_from_id is not None,
        repeat=was_met(referral.rule_outcomes, REPEAT_MARAC),
    )


def agenda(uow: UnitOfWork, actor: Actor, sitting_id: int, page: str = "agenda") -> Agenda:
    """Return the sitting's agenda, recording which referrals it showed and to whom.

    Callers check the actor may see this sitting first (workflow.meetings.access).
    """
    session = uow.session
    sitting = load_sitting(session, sitting_id, None)
    rows = session.exec(
        select(MaracListing, Referral)
        .join(Referral, col(Referral.id) == col(MaracListing.referral_id))
        .where(col(MaracListing.sitting_id) == sitting_id)
        .order_by(col(MaracListing.listed_at), col(MaracListing.id))
    ).all()
    cases = [_case(listing, referral) for listing, referral in rows]
    listed = tuple(c for c in cases if c.state in ACTIVE_MEETING_STATES)
    adjourned = tuple(c for c in cases if c.state not in ACTIVE_MEETING_STATES)
    references = [c.reference for c in listed]
    summary = f"viewed the MARAC {page} for {sitting.sits_on}: {len(references)} cases"
    after = {"references": references, "sitting_id": sitting_id}
    audit.record(session, actor, "list", "marac_sitting", sitting_id, summary, after=after)
    uow.commit()
    return Agenda(sitting, listed, adjourned)


def sitting_day(sitting: MaracSitting) -> date:
    """Return the sitting's date (a helper for templates and access rules)."""
    return sitting.sits_on


@dataclass(frozen=True)
class CaseAtMarac:
    """One listing as the coordinator works it: the agenda's facts, its history at MARAC, the
    research agencies added and the action plan."""

    listing: MaracListing
    sitting: MaracSitting
    case: AgendaCase
    history: tuple[ListingChange, ...]
    earlier: tuple[MaracListing, ...]
    research: tuple[AgencyResearch, ...]
    actions: tuple[MaracAction, ...]


def case_at_marac(uow: UnitOfWork, actor: Actor, listing_id: int) -> CaseAtMarac:
    """Return one listed case, recording the look at the referral in the audit trail."""
    session = uow.session
    listing = session.get(MaracListing, listing_id)
    if listing is None:
        raise NotFound("No such MARAC listing.")
    referral = session.get(Referral, listing.referral_id)
    if referral is None:
        raise NotFound("No such referral.")
    sitting = load_sitting(session, listing.sitting_id, None)
    history = session.exec(
        select(ListingChange)
        .where(col(ListingChange.listing_id) == listing_id)
        .order_by(col(ListingChange.id))
    ).all()
    others = session.exec(
        select(MaracListing)
        .where(col(MaracListing.referral_id) == listing.referral_id)
        .where(col(MaracListing.id) != listing_id)
        .order_by(col(MaracListing.id))
    ).all()
    research = session.exec(
        select(AgencyResearch)
        .where(col(AgencyResearch.listing_id) == listing_id)
        .order_by(col(AgencyResearch.id))
    ).all()
    plan = session.exec(
        select(MaracAction)
        .where(col(MaracAction.listing_id) == listing_id)
        .order_by(col(MaracAction.due_on), col(MaracAction.id))
    ).all()
    summary = f"{referral.reference} marac case (listing {listing_id})"
    audit.record(session, actor, "view", "referral", referral.id, summary)
    uow.commit()
    return CaseAtMarac(
        listing,
        sitting,
        _case(listing, referral),
        tuple(history),
        tuple(others),
        tuple(research),
        tuple(plan),
    )
