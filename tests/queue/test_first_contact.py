"""The allocated IDVA (or a coordinator) records first contact with the victim from the page."""

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import actor_for, make_referral, make_user
from tests.web.pages import csrf_token, sign_in
from workflow import casework
from workflow.casework import ConsentDecision
from workflow.db import Database
from workflow.deadlines import add_working_days
from workflow.models import Referral, User
from workflow.models.referral import Consent
from workflow.models.staff import Role


def _allocated(database: Database, coordinator: User, idva: User) -> Referral:
    referral = make_referral(database)
    actor = actor_for(coordinator)
    with database.uow() as uow:
        casework.check_consent(uow, actor, referral.id, None, ConsentDecision(Consent.GIVEN))
    with database.uow() as uow:
        return casework.allocate(uow, actor, referral.id, None, idva.id)


def _record(client: FlaskClient, referral_id: int, version: int, **kwargs: object):  # type: ignore[no-untyped-def]
    """Press "First contact made" on the referral page (the route itself is POST only)."""
    token = csrf_token(client, f"/referrals/{referral_id}")
    data = {"version": str(version), "csrf_token": token}
    return client.post(f"/referrals/{referral_id}/first-contact", data=data, **kwargs)


def _fetch(database: Database, referral_id: int) -> Referral:
    with database.uow() as uow:
        stored = uow.session.get(Referral, referral_id)
        assert stored is not None
        return stored


def test_the_allocated_idva_records_first_contact_and_the_review_clock_starts(
    app: Flask, database: Database, coordinator: User, idva: User, idva_client: FlaskClient
) -> None:
    referral = _allocated(database, coordinator, idva)
    assert referral.due_kind == "first_contact"
    page = idva_client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "First contact made" in page
    response = _record(idva_client, referral.id, referral.version)
    assert response.status_code == 302
    stored = _fetch(database, referral.id)
    assert stored.first_contact_at is not None and stored.due_kind == "review"
    assert stored.due_at == add_working_days(stored.first_contact_at, 20)
    page = idva_client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "First contact made" not in page  # once only
    again = _record(idva_client, referral.id, stored.version, follow_redirects=True)
    assert "First contact is already recorded." in again.get_data(as_text=True)


def test_another_idva_may_not_record_it_and_a_stale_page_is_told(
    app: Flask, database: Database, coordinator: User, idva: User, desk: FlaskClient
) -> None:
    referral = _allocated(database, coordinator, idva)
    other = make_user(database, Role.IDVA, "other.idva@example.org")
    client = app.test_client()
    sign_in(client, other.email)
    # The other IDVA cannot open the page; with a token from their own session, still refused.
    token = csrf_token(client, "/change-password")
    url = f"/referrals/{referral.id}/first-contact"
    refused = client.post(url, data={"version": str(referral.version), "csrf_token": token})
    assert refused.status_code == 403
    stale = _record(desk, referral.id, referral.version - 1, follow_redirects=True)
    assert "Someone else changed this referral" in stale.get_data(as_text=True)
    assert _fetch(database, referral.id).first_contact_at is None
