"""The stored due time follows every change: corrections, mailed updates, notes, the policy."""

from datetime import datetime

from sqlmodel import col, select

from mailbox.ingest import IngestConfig, ingest
from tests.factories import SYSTEM, actor_for, make_referral, make_user, record_first_contact
from tests.ingest.support import message
from tests.mailbox.builders import DOCX_TYPE, answers, referral_docx
from tests.reminders.clock import london, step_began
from workflow.deadlines.steps import DeadlineKind
from workflow.deadlines.working_time import add_working_days
from workflow.inbound import proposals
from workflow.models import Referral, User
from workflow.models.mail import Disposition
from workflow.models.referral import Consent, Outcome, Pathway
from workflow.models.staff import Role
from workflow.policy import CAMBS, DeadlineRule, Policy
from workflow.record import review
from workflow.referrals import casework, notes
from workflow.referrals.casework import ConsentDecision
from workflow.store.db import Database

# Cambs: allocation of a stalking referral takes 2 working days, 1 when the risk is high.
CONSENT_CHECKED_AT = london(2026, 11, 30, 10, 0)  # a Monday
TWO_DAYS, ONE_DAY = london(2026, 12, 2, 10, 0), london(2026, 12, 1, 10, 0)


def _fetch(database: Database, referral_id: int) -> Referral:
    with database.uow() as uow:
        stored = uow.session.get(Referral, referral_id)
        assert stored is not None
        return stored


def _medium_risk_waiting_for_allocation(database: Database, coordinator: User) -> Referral:
    referral = make_referral(database, pathway=Pathway.STALKING_IDVA, dash_yes=13)
    with database.uow() as uow:
        casework.check_consent(
            uow, actor_for(coordinator), referral.id, None, ConsentDecision(Consent.GIVEN)
        )
    stored = step_began(database, referral.id, CONSENT_CHECKED_AT)
    assert (stored.risk_band, stored.due_kind, stored.due_at) == ("medium", "allocation", TWO_DAYS)
    return stored


def test_a_corrected_dash_answer_that_makes_the_risk_high_shortens_the_allocation_deadline(
    database: Database,
) -> None:
    coordinator = make_user(database, Role.COORDINATOR)
    referral = _medium_risk_waiting_for_allocation(database, coordinator)
    with database.uow() as uow:
        review.correct_answer(
            uow,
            actor_for(coordinator),
            referral.id,
            referral.version,
            "dash.answers.14",
            "yes",
            "Misread: the form says Yes",
            CAMBS,
        )
    stored = _fetch(database, referral.id)
    assert (stored.risk_band, stored.due_kind, stored.due_at) == ("high", "allocation", ONE_DAY)
    # And back: correcting it again gives the longer deadline again.
    with database.uow() as uow:
        review.correct_answer(
            uow, actor_for(coordinator), referral.id, None, "dash.answers.14", "no", "Undo", CAMBS
        )
    assert _fetch(database, referral.id).due_at == TWO_DAYS


def test_a_corrected_field_that_meets_the_marac_criteria_shortens_the_deadline(
    database: Database,
) -> None:
    coordinator = make_user(database, Role.COORDINATOR)
    referral = _medium_risk_waiting_for_allocation(database, coordinator)
    with database.uow() as uow:
        review.correct_field(
            uow,
            actor_for(coordinator),
            referral.id,
            referral.version,
            "police_incidents_12m",
            "3",
            "The police record shows three",
            CAMBS,
        )
    stored = _fetch(database, referral.id)
    assert stored.marac_criteria_met and stored.due_at == ONE_DAY


def test_an_accepted_update_by_mail_that_raises_the_risk_shortens_the_deadline(
    database: Database,
) -> None:
    # A policy where the consent check itself depends on the risk, so an update shows at once.
    policy = Policy(
        deadline_rules=(
            DeadlineRule("consent_check", 1, high_risk=True),
            DeadlineRule("consent_check", 3),
        )
    )
    config = IngestConfig(own_addresses=frozenset({"referrals@desk.example.org"}), policy=policy)
    form = referral_docx(answers("n"))
    first, _ = ingest(
        database,
        message(1, attachments=[("M.docx", form, DOCX_TYPE)]),
        config,
        SYSTEM,
        channel="cli",
    )
    assert first.reference
    with database.uow() as uow:
        query = select(Referral).where(col(Referral.reference) == first.reference)
        referral = uow.session.exec(query).one()
    stored = _fetch(database, referral.id)
    started = stored.state_entered_at
    assert started is not None and stored.due_at == add_working_days(started, 3, policy)
    higher = referral_docx(answers("y"))
    reply = message(
        2,
        subject=f"RE: [{first.reference}] MARAC referral",
        attachments=[("DASH update.docx", higher, DOCX_TYPE)],
    )
    update, _ = ingest(database, reply, config, SYSTEM, channel="cli")
    assert update.disposition is Disposition.UPDATE
    stored = _fetch(database, referral.id)  # proposed only: nothing moves until accepted
    assert stored.risk_band == "standard" and stored.due_at == add_working_days(started, 3, policy)
    coordinator = actor_for(make_user(database, Role.COORDINATOR))
    with database.uow() as uow:
        [proposal] = proposals.waiting(uow.session, referral.id, policy)
    with database.uow() as uow:
        proposals.accept(uow, coordinator, referral.id, stored.version, proposal.id, policy=policy)
    stored = _fetch(database, referral.id)
    assert stored.risk_band == "high" and stored.due_at == add_working_days(started, 1, policy)


def _allocated_and_contacted(database: Database, quiet_since: datetime) -> tuple[Referral, User]:
    coordinator = actor_for(make_user(database, Role.COORDINATOR))
    idva = make_user(database, Role.IDVA)
    referral = make_referral(database)
    with database.uow() as uow:
        casework.check_consent(uow, coordinator, referral.id, None, ConsentDecision(Consent.GIVEN))
    with database.uow() as uow:
        casework.allocate(uow, coordinator, referral.id, None, idva.id)
    with database.uow() as uow:
        record_first_contact(uow, actor_for(idva), referral.id, None)
    return step_began(database, referral.id, quiet_since), idva


def test_a_note_is_activity_and_moves_the_review_reminder(database: Database) -> None:
    quiet_since = london(2026, 10, 1, 10, 0)
    referral, idva = _allocated_and_contacted(database, quiet_since)
    assert referral.due_kind == DeadlineKind.REVIEW
    assert referral.due_at == add_working_days(quiet_since, 20)
    with database.uow() as uow:
        notes.add_note(uow, actor_for(idva), referral.id, "Spoke to the victim", CAMBS)
    stored = _fetch(database, referral.id)
    assert stored.last_activity_at is not None and stored.last_activity_at > quiet_since
    assert stored.due_kind == DeadlineKind.REVIEW
    assert stored.due_at == add_working_days(stored.last_activity_at, 20)
    # A note is not a change of the referral: someone's form loaded before it still goes through.
    assert stored.version == referral.version
    with database.uow() as uow:
        casework.close(
            uow, actor_for(idva), referral.id, referral.version, Outcome.SUPPORT_COMPLETED
        )


def test_a_note_on_a_referral_waiting_for_consent_leaves_its_deadline(database: Database) -> None:
    referral = make_referral(database, received_at=london(2026, 11, 27, 15, 0))
    coordinator = make_user(database, Role.COORDINATOR)
    with database.uow() as uow:
        notes.add_note(uow, actor_for(coordinator), referral.id, "Rang the referrer", CAMBS)
    stored = _fetch(database, referral.id)
    assert (stored.due_kind, stored.due_at) == ("consent_check", london(2026, 11, 30, 15, 0))
