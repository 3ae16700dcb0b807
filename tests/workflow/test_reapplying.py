"""`flask reapply-rules`: open referrals stored under the old rules are brought up to date."""

from datetime import UTC, date, datetime

from flask import Flask
from sqlmodel import col, select

from tests.factories import actor_for, make_referral, make_user
from workflow.models import AuditEvent, Referral
from workflow.models.referral import Consent, Outcome
from workflow.models.staff import Role
from workflow.referrals import casework
from workflow.referrals.casework import ConsentDecision
from workflow.store.db import Database

FIRST = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SECOND = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)  # about the same incident, no date given
OLD_RULES = [
    {"rule": "recency", "result": "not_met", "reason": "Last incident 200 days ago"},
    {"rule": "repeat_marac", "result": "met", "reason": "Referral 2026-03-03; last 2026-03-02"},
]


def _as_stored_under_the_old_rules(database: Database, referral_id: int) -> None:
    with database.uow() as uow:
        stored = uow.session.get(Referral, referral_id)
        assert stored is not None
        stored.rule_outcomes = OLD_RULES
        stored.marac_criteria_met = True
        uow.commit()


def _fetch(database: Database, referral_id: int) -> Referral:
    with database.uow() as uow:
        stored = uow.session.get(Referral, referral_id)
        assert stored is not None
        return stored


def test_a_false_repeat_is_corrected_and_its_consent_decision_named(
    app: Flask, database: Database
) -> None:
    coordinator = actor_for(make_user(database, Role.COORDINATOR))
    make_referral(database, received_at=FIRST)
    second = make_referral(database, dash_yes=10, police_incidents_12m=0, received_at=SECOND)
    assert second.marac_criteria_met is False  # the corrected rule: a check
    _as_stored_under_the_old_rules(database, second.id)
    unsafe = ConsentDecision(Consent.NOT_ASKED_UNSAFE, False, "He reads her phone", "public_task")
    with database.uow() as uow:  # the guard let it through on the false "met"
        casework.check_consent(uow, coordinator, second.id, None, unsafe)
    closed = make_referral(database, received_at=SECOND, victim_name="Priya Shah")
    _as_stored_under_the_old_rules(database, closed.id)
    with database.uow() as uow:
        casework.close(uow, coordinator, closed.id, None, Outcome.DUPLICATE)

    result = app.test_cli_runner().invoke(args=["reapply-rules"])

    assert result.exit_code == 0, result.output
    assert f"{second.reference}: proceeded without consent" in result.output
    assert result.output.strip().endswith("1 changed, 1 to review: consent")
    stored = _fetch(database, second.id)
    rules = {o["rule"]: o["result"] for o in stored.rule_outcomes}
    assert rules["repeat_marac"] == "check" and "recency" not in rules
    assert stored.marac_criteria_met is False
    assert _fetch(database, closed.id).rule_outcomes == OLD_RULES  # closed: its history stands
    with database.uow() as uow:
        events = uow.session.exec(
            select(AuditEvent).where(col(AuditEvent.summary).startswith("Rules re-applied"))
        ).all()
    assert [e.object_id for e in events] == [second.id]
    assert events[0].before["rules"]["repeat_marac"] == "met"  # type: ignore[index]
    assert events[0].after["rules"]["repeat_marac"] == "check"  # type: ignore[index]


def test_running_it_again_changes_nothing(app: Flask, database: Database) -> None:
    make_referral(database, received_at=FIRST)
    make_referral(database, received_at=SECOND, last_incident=date(2026, 3, 3))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reapply-rules"])
    again = runner.invoke(args=["reapply-rules"])
    assert first.exit_code == again.exit_code == 0
    assert "2 open referrals, 0 changed, 0 to review" in again.output
