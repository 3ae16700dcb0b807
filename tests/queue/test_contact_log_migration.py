"""Migration 0011 carries first contacts recorded before the contact log into it."""

import sqlalchemy as sa
from alembic import command

from commands.db import alembic_config, upgrade
from tests.factories import make_referral
from workflow.models import ContactLog, Referral, utcnow
from workflow.store.db import Database


def test_a_first_contact_recorded_before_the_log_is_carried_over(
    committed_database: Database,
) -> None:
    referral = make_referral(committed_database)
    url = committed_database.url
    committed_database.bind.dispose()  # type: ignore[union-attr]
    command.downgrade(alembic_config(url), "0010")
    made = utcnow().replace(microsecond=0)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.update(Referral).where(Referral.id == referral.id).values(first_contact_at=made)  # type: ignore[arg-type]
            )
        upgrade(url)
        with engine.connect() as connection:
            rows = connection.execute(
                sa.select(ContactLog.kind, ContactLog.at, ContactLog.channel).where(
                    ContactLog.referral_id == referral.id  # type: ignore[arg-type]
                )
            ).all()
    finally:
        engine.dispose()
    assert [(kind, at, channel) for kind, at, channel in rows] == [("made", made, "")]
