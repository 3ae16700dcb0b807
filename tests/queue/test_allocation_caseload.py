"""Allocation shows each active IDVA's open caseload, so work is shared with the load in view."""

import pytest
from flask.testing import FlaskClient

from tests.factories import actor_for, make_referral, make_user
from workflow.errors import PermissionDenied
from workflow.models import User
from workflow.models.referral import Consent, Outcome
from workflow.models.staff import Role
from workflow.referrals import allocation, casework
from workflow.referrals.casework import ConsentDecision
from workflow.store.db import Database


def _allocate(database: Database, coordinator: User, idva: User) -> int:
    referral = make_referral(database)
    actor = actor_for(coordinator)
    with database.uow() as uow:
        casework.check_consent(uow, actor, referral.id, None, ConsentDecision(Consent.GIVEN))
    with database.uow() as uow:
        casework.allocate(uow, actor, referral.id, None, idva.id or 0)
    return referral.id or 0


def test_the_allocation_page_shows_each_idvas_open_referrals(
    desk: FlaskClient, database: Database, coordinator: User, idva: User
) -> None:
    quiet = make_user(database, Role.IDVA, "quiet.idva@example.org", name="Quinn Quiet")
    make_user(database, Role.IDVA, "left@example.org", name="Lee Left", active=False)
    _allocate(database, coordinator, idva)
    _allocate(database, coordinator, idva)
    closed = _allocate(database, coordinator, idva)
    with database.uow() as uow:
        casework.close(uow, actor_for(coordinator), closed, None, Outcome.SUPPORT_COMPLETED)
    waiting = make_referral(database)
    html = desk.get(f"/referrals/{waiting.id}/allocate").get_data(as_text=True)
    assert "Ivy Idva (2 open referrals)" in html, "a closed referral is not caseload"
    assert f"{quiet.name} (0 open referrals)" in html
    assert "Lee Left" not in html, "only active IDVAs are offered"


def test_one_open_referral_is_singular(database: Database, coordinator: User, idva: User) -> None:
    _allocate(database, coordinator, idva)
    with database.uow() as uow:
        [choice] = allocation.idva_choices(uow, actor_for(coordinator))
    assert choice.label == "Ivy Idva (1 open referral)"


def test_only_caseworkers_see_the_caseloads(database: Database, idva: User) -> None:
    with database.uow() as uow, pytest.raises(PermissionDenied):
        allocation.idva_choices(uow, actor_for(idva))
