"""Receive a new referral from any channel: store it, assess it, and record why."""

import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from workflow.actors import Actor
from workflow.assessment.assessing import DASH_INSTRUMENTS, apply_rules_with, score_assessment
from workflow.deadlines.steps import note_state_entered
from workflow.models import Assessment, Referral, StateChange, utcnow
from workflow.models.base import persisted_id
from workflow.models.referral import Instrument, Pathway, Source
from workflow.policy import Policy
from workflow.record.catalogue import check_fields
from workflow.record.fitting import fit_fields, review_path
from workflow.referrals.reference import next_reference
from workflow.referrals.states import State
from workflow.rules.eligibility import postcode_district
from workflow.store import audit
from workflow.store.db import UnitOfWork

# What a new referral may set: every column but those the service keeps itself.
# A new referral's reference until intake takes its number (20 characters, like a real one).
PENDING_REFERENCE = "pending-"
FIELDS = set(Referral.model_fields) - {"id", "reference", "pathway", "source", "state", "version"}


@dataclass
class NewAssessment:
    """A checklist as it arrived: answers keyed by question number."""

    instrument: Instrument
    answers: dict[str, dict[str, Any]]
    completed_date: date | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    source_message_id: int | None = None


@dataclass
class NewReferral:
    """A referral as it arrived: Referral column values plus its checklists.

    Every key is checked against the columns and the catalogue (workflow.record.catalogue): a
    misspelt or undeclared one raises UnknownField rather than vanishing in the model.
    """

    pathway: Pathway
    source: Source
    fields: dict[str, Any]
    assessments: list[NewAssessment] = field(default_factory=list)
    needs_review: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_fields(self.fields, FIELDS)


def normalise_postcode(postcode: str) -> str:
    """Return a postcode upper-cased with one space before the inward code."""
    compact = "".join(postcode.split()).upper()
    if postcode_district(compact) and len(compact) > 4:
        return f"{compact[:-3]} {compact[-3:]}"
    return postcode.strip().upper()


def add_assessment(session: Session, referral: Referral, new: NewAssessment) -> Assessment:
    """Attach a checklist to the referral as its next version, with the score computed."""
    versions = session.execute(
        select(Assessment.version).where(
            col(Assessment.referral_id) == referral.id,
            col(Assessment.instrument) == new.instrument,
        )
    ).scalars()
    assessment = _assessment(referral, new, max(versions, default=0) + 1)
    session.add(assessment)
    session.flush()
    return assessment


def _assessment(referral: Referral, new: NewAssessment, version: int) -> Assessment:
    assessment = Assessment(
        referral_id=persisted_id(referral),
        instrument=new.instrument,
        version=version,
        answers=new.answers,
        completed_date=new.completed_date,
        provenance=new.provenance,
        source_message_id=new.source_message_id,
    )
    score_assessment(assessment)
    return assessment


def _first_assessments(referral: Referral, arrived: list[NewAssessment]) -> list[Assessment]:
    """A new referral's checklists, numbered 1, 2... per instrument in the order they came.

    A new referral has none stored yet, so its versions are counted here rather than asked of
    the database one checklist at a time (add_assessment), and all go in one flush.
    """
    taken: dict[Instrument, int] = {}
    made = []
    for new in arrived:
        taken[new.instrument] = taken.get(new.instrument, 0) + 1
        made.append(_assessment(referral, new, taken[new.instrument]))
    return made


def receive_referral(uow: UnitOfWork, actor: Actor, new: NewReferral, policy: Policy) -> Referral:
    """Create the referral in state received, apply every rule, record history, and commit."""
    referral = admit_referral(uow.session, actor, new, policy)
    number_referral(uow.session, actor, referral)
    uow.commit()
    return referral


def admit_referral(session: Session, actor: Actor, new: NewReferral, policy: Policy) -> Referral:
    """Write a new referral in state received, its checklists, rule outcomes and first history,
    all but its reference (number_referral, once the caller has written anything else it adds).
    """
    fields, written = fit_fields(new.fields)  # a value too long for its column: flagged
    if fields.get("victim_postcode"):
        fields["victim_postcode"] = normalise_postcode(fields["victim_postcode"])
    referral = Referral(
        reference=PENDING_REFERENCE + secrets.token_hex(6),  # the real one comes last
        pathway=new.pathway,
        source=new.source,
        needs_review=list(dict.fromkeys([*new.needs_review, *map(review_path, written)])),
        **fields,
    )
    if written:  # the whole text, shown beside the value taken from it
        referral.details = {**referral.details, "as_written": written}
    # Set before the first flush, so the INSERT carries the state's clock (not an UPDATE after).
    note_state_entered(referral, referral.received_at)
    session.add(referral)
    session.flush()
    assessments = _first_assessments(referral, new.assessments)
    session.add_all(assessments)
    session.flush()
    # The newest DASH is the one that came last: no need to read back what was just written.
    dash = next((a for a in reversed(assessments) if a.instrument in DASH_INSTRUMENTS), None)
    apply_rules_with(session, referral, policy, dash)  # and the first due time, from its clock
    session.add(
        StateChange(
            referral_id=persisted_id(referral),
            to_state=State.RECEIVED,
            event="receive",
            actor_id=actor.id,
            actor_label=actor.label,
            reason=f"Received by {new.source.value}",
        )
    )
    return referral


def number_referral(session: Session, actor: Actor, referral: Referral) -> None:
    """Give an admitted referral its reference and record its creation; the caller commits.

    The year's counter row stays locked from here until the commit, and every referral takes it,
    so referrals sent at the same moment queue for each other over whatever is written after
    this. Everything that need not wait for the number is therefore written first (the flush
    below): what remains is the reference itself and what quotes it. Taking the number earlier
    made a burst of sends wait in single file over most of the intake.
    """
    session.flush()
    referral.reference = next_reference(session, utcnow().year)
    audit.record(session, actor, "create", "referral", referral.id, referral.reference)
