"""The use cases against a real database: history, audit, guards and optimistic locking."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from tests.factories import actor_for, make_referral, make_user
from workflow.errors import GuardFailed, PermissionDenied, StaleReferral, TransitionNotAllowed
from workflow.models import AuditEvent, Referral, StateChange, utcnow
from workflow.models.referral import Consent, Outcome, Pathway
from workflow.models.staff import Role
from workflow.referrals import casework
from workflow.referrals.casework import ConsentDecision
from workflow.referrals.states import State
from workflow.store.audit import AuditIsAppendOnly
from workflow.store.db import Database

GIVEN = ConsentDecision(Consent.GIVEN)


@pytest.fixture
def coordinator(database: Database):  # type: ignore[no-untyped-def]
    return actor_for(make_user(database, Role.COORDINATOR))


@pytest.fixture
def idva(database: Database):  # type: ignore[no-untyped-def]
    return make_user(database, Role.IDVA)


def history(database: Database, referral_id: int) -> list[tuple[str | None, str]]:
    with database.uow() as uow:
        rows = uow.session.exec(
            select(StateChange)
            .where(col(StateChange.referral_id) == referral_id)
            .order_by(col(StateChange.id))
        )
        return [(r.from_state.value if r.from_state else None, r.to_state.value) for r in rows]


def test_intake_stores_state_reference_score_and_reasons(database: Database) -> None:
    referral = make_referral(database, dash_yes=18)
    assert referral.state is State.RECEIVED
    assert referral.reference.startswith(f"REF-{utcnow().year}-")
    assert referral.dash_score == 18 and referral.risk_band == "high"
    assert referral.marac_criteria_met
    rules = {o["rule"]: o for o in referral.rule_outcomes}
    assert rules["visible_high_risk"]["result"] == "met"
    assert "18" in rules["visible_high_risk"]["reason"]
    assert history(database, referral.id) == [(None, "received")]


def test_references_are_sequential_and_unique(database: Database) -> None:
    first, second = make_referral(database), make_referral(database)
    assert int(second.reference[9:15]) == int(first.reference[9:15]) + 1


def test_the_full_round_writes_history_and_audit(database: Database, coordinator, idva) -> None:  # type: ignore[no-untyped-def]
    r = make_referral(database)
    with database.uow() as uow:
        r = casework.check_consent(uow, coordinator, r.id, r.version, GIVEN)
    with database.uow() as uow:
        r = casework.allocate(uow, coordinator, r.id, r.version, idva.id, date(2026, 12, 1))
    with database.uow() as uow:
        r = casework.close(uow, coordinator, r.id, r.version, Outcome.HEARD_AT_MARAC)
    assert r.state is State.CLOSED and r.outcome is Outcome.HEARD_AT_MARAC and r.closed_at
    assert history(database, r.id) == [
        (None, "received"),
        ("received", "consent_checked"),
        ("consent_checked", "allocated"),
        ("allocated", "closed"),
    ]
    with database.uow() as uow:
        actions = uow.session.exec(
            select(AuditEvent.action).where(col(AuditEvent.object_id) == r.id)
        ).all()
    assert actions.count("change") == 3


def test_stalking_referral_cannot_pass_consent_without_consent(
    database: Database, coordinator
) -> None:  # type: ignore[no-untyped-def]
    r = make_referral(database, pathway=Pathway.STALKING_IDVA, dash_yes=None)
    refused = ConsentDecision(Consent.REFUSED, True, "Victim declined", "Art 6(1)(e)")
    with database.uow() as uow, pytest.raises(GuardFailed, match="no consent"):
        casework.check_consent(uow, coordinator, r.id, r.version, refused)
    with database.uow() as uow:
        closed = casework.close(uow, coordinator, r.id, r.version, Outcome.NO_CONSENT)
    assert closed.state is State.CLOSED


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (ConsentDecision(Consent.REFUSED, None, "Unsafe", "Art 6(1)(e)"), "aware"),
        (ConsentDecision(Consent.REFUSED, False, "", "Art 6(1)(e)"), "reason"),
        (ConsentDecision(Consent.NOT_ASKED_UNSAFE, False, "Abuser present", " "), "lawful basis"),
    ],
)
def test_marac_without_consent_must_say_why_and_on_what_basis(
    database: Database,
    coordinator,
    decision: ConsentDecision,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    r = make_referral(database)
    with database.uow() as uow, pytest.raises(GuardFailed, match=message):
        casework.check_consent(uow, coordinator, r.id, r.version, decision)


@pytest.mark.parametrize(
    ("dash_yes", "judgement", "allowed"),
    [
        (16, False, False),  # Cambs 14-16: the IDVA service, with consent
        (17, False, True),  # visible high risk: MARAC, consent not essential
        (10, True, True),  # professional judgement with a reason meets a criterion
        (None, False, False),
    ],
)
def test_marac_without_consent_needs_a_marac_criterion(
    database: Database,
    coordinator,  # type: ignore[no-untyped-def]
    dash_yes: int | None,
    judgement: bool,
    allowed: bool,
) -> None:
    reason = "Threats escalating since separation" if judgement else ""
    r = make_referral(
        database,
        dash_yes=dash_yes,
        professional_judgement=judgement,
        professional_judgement_reason=reason,
    )
    decision = ConsentDecision(Consent.REFUSED, True, "Victim declined support", "Art 6(1)(e)")
    with database.uow() as uow:
        if allowed:
            assert casework.check_consent(uow, coordinator, r.id, r.version, decision).consent
        else:
            with pytest.raises(GuardFailed, match="meets no MARAC criterion"):
                casework.check_consent(uow, coordinator, r.id, r.version, decision)


def test_marac_may_proceed_without_consent_with_basis(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    r = make_referral(database)
    decision = ConsentDecision(
        Consent.NOT_ASKED_UNSAFE, False, "Abuser reads her phone", "UK GDPR Art 6(1)(e), 9(2)(g)"
    )
    with database.uow() as uow:
        r = casework.check_consent(uow, coordinator, r.id, r.version, decision)
    assert (r.state, r.victim_aware, r.lawful_basis) == (
        State.CONSENT_CHECKED,
        False,
        "UK GDPR Art 6(1)(e), 9(2)(g)",
    )


def test_values_marked_for_review_block_the_consent_check(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    r = make_referral(database, needs_review=["dash.answers.7"])
    with database.uow() as uow, pytest.raises(GuardFailed, match="review"):
        casework.check_consent(uow, coordinator, r.id, r.version, GIVEN)


def test_allocation_needs_an_active_idva(database: Database, coordinator, idva) -> None:  # type: ignore[no-untyped-def]
    r = make_referral(database)
    with database.uow() as uow:
        r = casework.check_consent(uow, coordinator, r.id, r.version, GIVEN)
    other = make_user(database, Role.MANAGER)
    retired = make_user(database, Role.IDVA, "old.idva@example.org", active=False)
    for user in (other, retired):
        with database.uow() as uow, pytest.raises(GuardFailed, match="active IDVA"):
            casework.allocate(uow, coordinator, r.id, r.version, user.id)


def test_allocation_before_consent_check_is_refused(database: Database, coordinator, idva) -> None:  # type: ignore[no-untyped-def]
    r = make_referral(database)
    with database.uow() as uow, pytest.raises(TransitionNotAllowed):
        casework.allocate(uow, coordinator, r.id, r.version, idva.id)
    assert history(database, r.id) == [(None, "received")]


def test_reopen_needs_a_reason_and_returns_to_received(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    r = make_referral(database)
    with database.uow() as uow:
        r = casework.close(uow, coordinator, r.id, r.version, Outcome.DUPLICATE)
    with database.uow() as uow, pytest.raises(GuardFailed):
        casework.reopen_referral(uow, coordinator, r.id, r.version, "")
    with database.uow() as uow:
        r = casework.reopen_referral(uow, coordinator, r.id, r.version, "Not a duplicate after all")
    assert r.state is State.RECEIVED and r.outcome is None


def test_an_idva_cannot_check_consent(database: Database, idva) -> None:  # type: ignore[no-untyped-def]
    r = make_referral(database)
    with database.uow() as uow, pytest.raises(PermissionDenied):
        casework.check_consent(uow, actor_for(idva), r.id, r.version, GIVEN)


def test_a_stale_version_is_refused_and_nothing_changes(database: Database, coordinator) -> None:  # type: ignore[no-untyped-def]
    r = make_referral(database)
    loaded_version = r.version
    with database.uow() as uow:
        casework.check_consent(uow, coordinator, r.id, loaded_version, GIVEN)
    with database.uow() as uow, pytest.raises(StaleReferral, match="Someone else"):
        casework.close(uow, coordinator, r.id, loaded_version, Outcome.DUPLICATE)
    with database.uow() as uow:
        assert uow.session.get(Referral, r.id).state is State.CONSENT_CHECKED


def test_repeat_marac_is_spotted_by_name_and_date_of_birth(database: Database) -> None:
    # A further incident since the earlier referral (without one it is a check: issue 15).
    make_referral(database, victim_name="Jade Allen", received_at=utcnow() - timedelta(days=200))
    repeat = make_referral(
        database,
        victim_name="ALLEN, Jayde",
        victim_postcode="CB1 1AA",
        last_incident=utcnow().date() - timedelta(days=2),
    )
    rules = {o["rule"]: o["result"] for o in repeat.rule_outcomes}
    assert rules["repeat_marac"] == "met"
    assert repeat.details["repeat_of"].startswith("REF-")


def test_a_marac_referral_over_a_year_ago_is_not_a_repeat(database: Database) -> None:
    make_referral(database, received_at=utcnow() - timedelta(days=400))
    later = make_referral(database, last_incident=utcnow().date() - timedelta(days=2))
    assert {o["rule"]: o["result"] for o in later.rule_outcomes}["repeat_marac"] == "not_met"


def test_a_different_person_with_the_same_birthday_is_not_a_repeat(database: Database) -> None:
    make_referral(database, victim_name="Jade Allen", victim_postcode="PE1 1AA")
    other = make_referral(database, victim_name="Priya Shah", victim_postcode="CB4 2ZZ")
    assert {o["rule"]: o["result"] for o in other.rule_outcomes}["repeat_marac"] == "not_met"


def test_the_audit_trail_cannot_be_edited_through_the_code(database: Database) -> None:
    make_referral(database)
    with database.uow() as uow:
        event = uow.session.exec(select(AuditEvent)).first()
        event.summary = "rewritten"
        with pytest.raises(AuditIsAppendOnly):
            uow.session.flush()


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_event SET summary = 'x'", "DELETE FROM audit_event"]
)
def test_the_audit_trail_cannot_be_edited_in_the_database(
    database: Database, statement: str
) -> None:
    make_referral(database)
    with database.uow() as uow, pytest.raises(sa.exc.DatabaseError, match="append-only"):
        uow.session.execute(sa.text(statement))
