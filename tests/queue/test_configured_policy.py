"""The pages hand the app's configured POLICY to the use cases, not the built-in defaults."""

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import actor_for, make_referral, record_first_contact
from tests.web.pages import post_form
from workflow.deadlines.working_time import add_working_days
from workflow.models import Referral, User
from workflow.policy import DeadlineRule, Policy
from workflow.store.db import Database


def _fetch(database: Database, referral_id: int) -> Referral:
    with database.uow() as uow:
        stored = uow.session.get(Referral, referral_id)
        assert stored is not None
        return stored


SLOW = Policy(
    deadline_rules=(
        DeadlineRule("consent_check", 1),
        DeadlineRule("allocation", 5),
        DeadlineRule("first_contact", 4),
        DeadlineRule("review", 30),
    )
)


def test_the_pages_use_the_app_s_configured_policy(
    app: Flask, desk: FlaskClient, database: Database, idva: User
) -> None:
    app.config["POLICY"] = SLOW
    referral = make_referral(database)
    response = post_form(
        desk,
        f"/referrals/{referral.id}/consent",
        {"consent": "given", "version": str(referral.version)},
    )
    assert response.status_code == 302
    stored = _fetch(database, referral.id)
    assert stored.due_at == add_working_days(stored.state_entered_at, 5, SLOW)  # type: ignore[arg-type]
    response = post_form(
        desk,
        f"/referrals/{referral.id}/allocate",
        {"idva": str(idva.id), "version": str(stored.version)},
    )
    assert response.status_code == 302
    stored = _fetch(database, referral.id)
    assert stored.due_kind == "first_contact"
    assert stored.due_at == add_working_days(stored.state_entered_at, 4, SLOW)  # type: ignore[arg-type]
    with database.uow() as uow:
        record_first_contact(uow, actor_for(idva), referral.id, None, SLOW)
    response = post_form(desk, f"/referrals/{referral.id}/note", {"text": "Checked in"})
    assert response.status_code == 302
    stored = _fetch(database, referral.id)
    assert stored.due_at == add_working_days(stored.last_activity_at, 30, SLOW)  # type: ignore[arg-type]
