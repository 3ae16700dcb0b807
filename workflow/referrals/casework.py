"""What coordinators and IDVAs do to a referral: consent check, allocation, closure, reopening."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from workflow.actors import Actor
from workflow.assessment.assessing import apply_rules
from workflow.errors import GuardFailed, NotFound
from workflow.models import Referral, StateChange, User
from workflow.models.referral import Consent, Outcome, Pathway
from workflow.models.staff import Role
from workflow.permissions import CASE_READERS, CASEWORKERS, require_own, require_role
from workflow.policy import CAMBS, Policy
from workflow.referrals.states import Event, State
from workflow.referrals.transitions import check_version, transition
from workflow.rules.closure import closure_refusal
from workflow.store import outbox
from workflow.store.db import UnitOfWork


@dataclass(frozen=True)
class ConsentDecision:
    """What the coordinator found out about consent."""

    consent: Consent
    victim_aware: bool | None = None
    not_sought_reason: str = ""
    lawful_basis: str = ""


@dataclass(frozen=True)
class RecordedConsent:
    """What the referrer said about consent; any part may be missing (a mailed form)."""

    consent: Consent | None
    victim_aware: bool | None
    not_sought_reason: str
    lawful_basis: str


def recorded_consent(referral: Referral) -> RecordedConsent | None:
    """Return what the referrer recorded about consent, the start of the coordinator's check.

    Until the check is made the referral's consent fields hold the referrer's answers (from the
    web forms or the mailbox); None when the referrer recorded nothing at all.
    """
    found = RecordedConsent(
        referral.consent,
        referral.victim_aware,
        referral.consent_not_sought_reason or "",
        referral.lawful_basis or "",
    )
    empty = found.consent is None and found.victim_aware is None
    return None if empty and not (found.not_sought_reason or found.lawful_basis) else found


def consent_checked_before(session: Session, referral_id: int) -> bool:
    """Say whether a consent check was made before (a reopened referral's fields hold it)."""
    query = select(StateChange.id).where(
        col(StateChange.referral_id) == referral_id,
        col(StateChange.event) == Event.CHECK_CONSENT.value,
    )
    return session.exec(query.limit(1)).first() is not None


def _consent_json(referral: Referral) -> dict[str, Any]:
    return {
        "consent": referral.consent.value if referral.consent else None,
        "victim_aware": referral.victim_aware,
        "consent_not_sought_reason": referral.consent_not_sought_reason,
        "lawful_basis": referral.lawful_basis,
    }


def load(session: Session, referral_id: int, expected_version: int | None) -> Referral:
    """Load a referral for a change, refusing a stale version."""
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFound("No such referral.")
    check_version(referral, expected_version)
    return referral


def _guard_consent(referral: Referral, decision: ConsentDecision) -> None:
    if referral.needs_review:
        raise GuardFailed("Confirm or correct the values marked for review first.")
    if decision.consent is Consent.GIVEN:
        return
    if referral.pathway is Pathway.STALKING_IDVA:
        raise GuardFailed(
            "The stalking IDVA service needs the victim's consent. Without it, close the "
            "referral with the outcome 'no consent'."
        )
    if not referral.marac_criteria_met:
        # Cambs: DASH 14-16 with no other MARAC criterion goes to the IDVA service, which is
        # voluntary; only a case that meets a MARAC criterion may be shared without consent.
        raise GuardFailed(
            "This referral meets no MARAC criterion, so it needs the victim's consent. Record a "
            "MARAC criterion (for example professional judgement with the reason) or close it."
        )
    if decision.victim_aware is None:
        raise GuardFailed("Say whether the victim is aware of the referral.")
    if not decision.not_sought_reason.strip():
        raise GuardFailed("Give the reason the referral proceeds without consent.")
    if not decision.lawful_basis.strip():
        raise GuardFailed("Give the lawful basis for sharing without consent.")


def check_consent(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int,
    expected_version: int | None,
    decision: ConsentDecision,
    policy: Policy = CAMBS,
) -> Referral:
    """Record the consent decision and move the referral to consent checked."""
    require_role(actor, CASEWORKERS)
    referral = load(uow.session, referral_id, expected_version)
    _guard_consent(referral, decision)
    before = _consent_json(referral)  # the referrer's record, kept in the trail once replaced
    referral.consent = decision.consent
    referral.victim_aware = True if decision.consent is Consent.GIVEN else decision.victim_aware
    referral.consent_not_sought_reason = decision.not_sought_reason.strip()
    referral.lawful_basis = decision.lawful_basis.strip()
    changed = (before, _consent_json(referral))
    reason = f"Consent {decision.consent}"
    transition(uow.session, referral, Event.CHECK_CONSENT, actor, reason, policy, changed)
    uow.commit()
    return referral


def allocate(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int,
    expected_version: int | None,
    idva_id: int,
    meeting_date: date | None = None,
    base_url: str = "",
    policy: Policy = CAMBS,
) -> Referral:
    """Allocate the referral to an active IDVA (and, for MARAC, a meeting date), telling them."""
    require_role(actor, CASEWORKERS)
    referral = load(uow.session, referral_id, expected_version)
    idva = uow.session.get(User, idva_id)
    if idva is None or not idva.active or idva.role is not Role.IDVA:
        raise GuardFailed("Choose an active IDVA.")
    event = Event.REALLOCATE if referral.state is State.ALLOCATED else Event.ALLOCATE
    referral.allocated_idva_id = idva.id
    referral.marac_only_reason = ""
    if referral.pathway is Pathway.MARAC:
        referral.meeting_date = meeting_date
    transition(uow.session, referral, event, actor, f"Allocated to {idva.email}", policy)
    _notify_idva(uow.session, referral, idva, base_url)
    uow.commit()
    return referral


def allocate_marac_only(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int,
    expected_version: int | None,
    reason: str,
    policy: Policy = CAMBS,
) -> Referral:
    """Allocate a MARAC referral to MARAC alone, with no IDVA, recording why (issue 18).

    The victim may have declined an IDVA or be supported by another service; the case still
    goes to MARAC, and closes there when its actions end (workflow/meetings/follow_up.py).
    """
    require_role(actor, CASEWORKERS)
    if not reason.strip():
        raise GuardFailed("Give the reason the case goes ahead at MARAC with no IDVA.")
    referral = load(uow.session, referral_id, expected_version)
    if referral.pathway is not Pathway.MARAC:
        raise GuardFailed("Only a MARAC referral can go ahead at MARAC with no IDVA.")
    event = Event.REALLOCATE if referral.state is State.ALLOCATED else Event.ALLOCATE
    why = reason.strip()[:2000]
    before = {
        "idva_id": referral.allocated_idva_id,
        "marac_only_reason": referral.marac_only_reason,
    }
    referral.allocated_idva_id, referral.marac_only_reason = None, why
    changed = (before, {"idva_id": None, "marac_only_reason": why})
    transition(uow.session, referral, event, actor, f"MARAC only: {why}", policy, changed)
    uow.commit()
    return referral


def _notify_idva(session: Session, referral: Referral, idva: User, base_url: str) -> None:
    # The reference and a link only: mail leaves our systems, victim details never do.
    link = f"{base_url.rstrip('/')}/referrals/{referral.id}"
    # No flush here: a lost race must surface at commit, where it becomes StaleReferral.
    with session.no_autoflush:
        _enqueue_allocation(session, referral, idva, link)


def _enqueue_allocation(session: Session, referral: Referral, idva: User, link: str) -> None:
    outbox.enqueue(
        session,
        kind="allocation",
        to=[idva.email],
        subject=f"Referral {referral.reference} has been allocated to you",
        body_text=(
            f"Referral {referral.reference} has been allocated to you.\n\n"
            f"Sign in to read it: {link}\n\n"
            "This message holds no details of the victim. Do not forward it.\n"
        ),
        # The version loaded names this allocation: a retry of it queues nothing twice.
        dedupe_key=f"allocation:{referral.reference}:{referral.version}",
        referral_id=referral.id,
    )


def close(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int,
    expected_version: int | None,
    outcome: Outcome,
    reason: str = "",
    policy: Policy = CAMBS,
) -> Referral:
    """Close the referral with an outcome from the fixed list."""
    require_role(actor, CASE_READERS)
    referral = load(uow.session, referral_id, expected_version)
    require_own(actor, referral, "close")
    if refusal := closure_refusal(referral.pathway, Outcome(outcome)):
        raise GuardFailed(refusal)
    referral.outcome = Outcome(outcome)
    transition(uow.session, referral, Event.CLOSE, actor, reason or outcome.value, policy)
    uow.commit()
    return referral


def reopen_referral(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int,
    expected_version: int | None,
    reason: str,
    policy: Policy = CAMBS,
) -> Referral:
    """Reopen a closed referral with a reason; it starts again at received, its rules worked out
    afresh (time has passed: recency, repeat MARAC), so each check is made again."""
    require_role(actor, CASEWORKERS)
    if not reason.strip():
        raise GuardFailed("Give the reason for reopening the referral.")
    referral = load(uow.session, referral_id, expected_version)
    before = {"outcome": referral.outcome.value if referral.outcome else None}
    changed = (before, {"outcome": None})
    transition(uow.session, referral, Event.REOPEN, actor, reason.strip(), policy, changed)
    referral.outcome = None
    referral.closed_at = None
    apply_rules(uow.session, referral, policy)
    uow.commit()
    return referral
