"""A closed referral is reopened with a reason, from its own page: back to received, the rules
worked out afresh, consent checked again from the last decision; audited with before and after."""

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import actor_for, make_referral, make_user
from tests.queue.builders import audit_actions, fetch
from tests.web.pages import check_page, csrf_token, sign_in
from workflow.models import Referral, User
from workflow.models.referral import Consent, Outcome
from workflow.models.staff import Role
from workflow.referrals import casework
from workflow.referrals.casework import ConsentDecision
from workflow.referrals.states import State
from workflow.store.db import Database


def _closed(database: Database, coordinator: User) -> Referral:
    referral = make_referral(database)
    actor = actor_for(coordinator)
    with database.uow() as uow:
        casework.check_consent(uow, actor, referral.id, None, ConsentDecision(Consent.GIVEN))
    with database.uow() as uow:
        return casework.close(uow, actor, referral.id, None, Outcome.NOT_ELIGIBLE, "Out of area")


def _reopen(client: FlaskClient, referral: Referral, reason: str) -> object:
    url = f"/referrals/{referral.id}/reopen"
    data = {
        "reason": reason,
        "version": str(referral.version),
        "csrf_token": csrf_token(client, url),
    }
    return client.post(url, data=data)


def test_a_closed_referral_is_reopened_with_a_reason_and_starts_again(
    desk: FlaskClient, database: Database, coordinator: User
) -> None:
    referral = _closed(database, coordinator)
    page = desk.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert f'href="/referrals/{referral.id}/reopen">Reopen</a>' in page
    form = desk.get(f"/referrals/{referral.id}/reopen").get_data(as_text=True)
    check_page(form)
    assert 'Closed as "not eligible"' in form
    reason = "The victim has moved back to Peterborough; police say the risk is current."
    response = _reopen(desk, referral, reason)
    assert response.status_code == 302  # type: ignore[attr-defined]
    stored = fetch(database, referral.id)
    assert stored.state is State.RECEIVED and stored.outcome is None and stored.closed_at is None
    assert stored.due_kind == "consent_check"
    event = [e for e in audit_actions(database, "referral") if e.summary.startswith("reopen")][-1]
    assert event.actor_id == coordinator.id
    assert event.before == {"state": "closed", "outcome": "not_eligible"}
    assert event.after == {"state": "received", "outcome": None}
    page = desk.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert reason in page, "the reason is in the history"
    consent = desk.get(f"/referrals/{referral.id}/consent").get_data(as_text=True)
    assert "Recorded at the last consent check" in consent
    assert 'value="given" checked' in consent


def test_a_reason_is_required_and_an_open_referral_cannot_be_reopened(
    desk: FlaskClient, database: Database, coordinator: User
) -> None:
    referral = _closed(database, coordinator)
    empty = _reopen(desk, referral, "   ").get_data(as_text=True)  # type: ignore[attr-defined]
    assert "Enter why the referral is reopened" in empty
    assert fetch(database, referral.id).state is State.CLOSED
    open_referral = make_referral(database)
    page = desk.get(f"/referrals/{open_referral.id}/reopen").get_data(as_text=True)
    assert "only a closed referral can be reopened" in page
    refused = _reopen(desk, open_referral, "By mistake").get_data(as_text=True)  # type: ignore[attr-defined]
    assert "cannot be reopened" in refused
    assert "/reopen" not in desk.get(f"/referrals/{open_referral.id}").get_data(as_text=True)


def test_only_coordinators_and_managers_reopen(
    app: Flask, database: Database, coordinator: User, idva: User, idva_client: FlaskClient
) -> None:
    referral = _closed(database, coordinator)
    assert idva_client.get(f"/referrals/{referral.id}/reopen").status_code == 403
    manager = make_user(database, Role.MANAGER)
    client = app.test_client()
    sign_in(client, manager.email)
    assert _reopen(client, referral, "New incident reported").status_code == 302  # type: ignore[attr-defined]
