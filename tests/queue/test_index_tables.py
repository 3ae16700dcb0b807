"""The name keys and flags the queue filters by follow each change; the migration fills them."""

import sqlalchemy as sa
from alembic import command
from sqlmodel import col, select

from commands.db import alembic_config, upgrade
from tests.factories import actor_for, make_referral, make_user
from workflow.models import ReferralFlag, VictimNameKey
from workflow.models.staff import Role
from workflow.policy import CAMBS
from workflow.queue.keys import name_codes
from workflow.record.review import confirm, correct_field
from workflow.store.db import Database


def _index(database: Database, referral_id: int) -> tuple[set[str], set[str]]:
    with database.uow() as uow:
        codes = uow.session.exec(
            select(VictimNameKey.code).where(col(VictimNameKey.referral_id) == referral_id)
        )
        marks = uow.session.exec(
            select(ReferralFlag.flag).where(col(ReferralFlag.referral_id) == referral_id)
        )
        return set(codes), set(marks)


def test_keys_and_flags_follow_corrections(database: Database) -> None:
    actor = actor_for(make_user(database, Role.COORDINATOR))
    referral = make_referral(database, victim_aliases=["Jo Bloggs"], needs_review=["victim.name"])
    codes, marks = _index(database, referral.id)
    assert codes == name_codes(["Jade Allen", "Jo Bloggs"])
    assert {"needs_review", "no_consent"} <= marks
    with database.uow() as uow:
        correct_field(uow, actor, referral.id, None, "victim.name", "Kate Price", "misread", CAMBS)
    codes, marks = _index(database, referral.id)
    assert codes == name_codes(["Kate Price", "Jo Bloggs"])
    assert "needs_review" not in marks
    with database.uow() as uow:
        correct_field(uow, actor, referral.id, None, "victim.postcode", "CB6 1AA", "typo", CAMBS)
    assert "check_area" in _index(database, referral.id)[1]


def test_confirming_the_last_value_clears_the_flag(database: Database) -> None:
    actor = actor_for(make_user(database, Role.COORDINATOR))
    referral = make_referral(database, needs_review=["dash.answers.2"])
    with database.uow() as uow:
        confirm(uow, actor, referral.id, None, "dash.answers.2")
    assert "needs_review" not in _index(database, referral.id)[1]


def test_the_migration_indexes_referrals_that_already_exist(
    committed_database: Database,
) -> None:
    referral = make_referral(committed_database, needs_review=["victim.postcode"])
    url = committed_database.url
    committed_database.bind.dispose()  # type: ignore[union-attr]
    command.downgrade(alembic_config(url), "0004")
    upgrade(url)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            codes = connection.execute(
                sa.select(VictimNameKey.code).where(VictimNameKey.referral_id == referral.id)
            ).scalars()
            marks = connection.execute(
                sa.select(ReferralFlag.flag).where(ReferralFlag.referral_id == referral.id)
            ).scalars()
            assert set(codes) == name_codes(["Jade Allen"])
            assert "needs_review" in set(marks)
    finally:
        engine.dispose()
