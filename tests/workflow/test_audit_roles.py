"""The audit trail against its own database role: the app's role can add and read audit rows but
cannot change, delete or truncate them, nor drop or disable their triggers; even the owner cannot
TRUNCATE while the triggers stand. PostgreSQL only: SQLite has neither roles nor TRUNCATE."""

import secrets
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from commands.db import upgrade
from tests.factories import make_referral
from workflow.actors import Actor
from workflow.models import AuditEvent
from workflow.store import audit, throttle
from workflow.store.db import Database, make_engine
from workflow.store.db_roles import UnsafeAppRole, grant_app_role

ONLY_ON_POSTGRESQL = "database roles and TRUNCATE are PostgreSQL's (run with --db=postgresql)"


@pytest.fixture
def owner(committed_database: Database, db_backend: str) -> Database:
    if db_backend != "postgresql":
        pytest.skip(ONLY_ON_POSTGRESQL)
    return committed_database


@pytest.fixture
def app_role(owner: Database) -> Iterator[str]:
    """A login role granted as `flask db upgrade` grants DATABASE_APP_ROLE, dropped afterwards."""
    role = f"referrals_app_{secrets.token_hex(4)}"
    with owner.bind.connect() as connection:  # type: ignore[union-attr]
        connection.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        connection.commit()
    upgrade(owner.url, "head", app_role=role)  # what `flask db upgrade` does with the setting
    yield role
    owner.bind.dispose()  # type: ignore[union-attr]
    with owner.bind.connect() as connection:  # type: ignore[union-attr]
        connection.exec_driver_sql(f"DROP OWNED BY {role}")
        connection.exec_driver_sql(f"DROP ROLE {role}")
        connection.commit()
    owner.bind.dispose()  # type: ignore[union-attr]


@pytest.fixture
def as_app(owner: Database, app_role: str) -> Iterator[sa.Engine]:
    """An engine that signs in as the app's role, as DATABASE_URL does in production."""
    url = make_url(owner.url).set(username=app_role, password=None)
    engine = make_engine(url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()


def _refused(engine: sa.Engine, statement: str) -> str:
    with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError) as refused:
        connection.exec_driver_sql(statement)
    return str(refused.value.orig)


def test_the_app_role_adds_and_reads_audit_rows_and_does_its_work(
    owner: Database, as_app: sa.Engine
) -> None:
    app = Database(owner.url, as_app)
    make_referral(app)  # intake, rules, deadlines, outbox and audit, all as the app's role
    with app.uow() as work:
        audit.record(work.session, Actor.system("test"), "view", "referral", 1, "as the app")
        assert throttle.allow(work.session, "login:203.0.113.9", 5, timedelta(minutes=15))
        work.commit()
        count = work.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert count and count >= 2


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET summary = 'rewritten'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
        "DROP TRIGGER audit_event_append_only ON audit_event",
        "DROP TRIGGER audit_event_no_truncate ON audit_event",
        "ALTER TABLE audit_event DISABLE TRIGGER ALL",
        "DROP FUNCTION audit_event_append_only() CASCADE",
        "DROP TABLE audit_event",
        "CREATE TABLE planted (id integer)",
    ],
)
def test_the_app_role_cannot_rewrite_the_trail_or_its_triggers(
    owner: Database, as_app: sa.Engine, statement: str
) -> None:
    make_referral(owner)
    reason = _refused(as_app, statement)
    assert "permission denied" in reason or "must be owner" in reason
    with owner.bind.connect() as connection:  # type: ignore[union-attr]
        triggers = connection.exec_driver_sql(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass "
            "AND NOT tgisinternal AND tgenabled = 'O'"
        )
        assert {name for (name,) in triggers} == {
            "audit_event_append_only",
            "audit_event_no_truncate",
        }
        assert connection.exec_driver_sql("SELECT count(*) FROM audit_event").scalar_one() > 0


def test_even_the_owner_cannot_truncate_the_trail_while_its_triggers_stand(owner: Database) -> None:
    make_referral(owner)
    reason = _refused(owner.bind, "TRUNCATE audit_event")  # type: ignore[arg-type]
    assert "append-only" in reason


def test_a_superuser_or_the_owner_is_refused_as_the_app_role(owner: Database) -> None:
    with owner.bind.connect() as connection:  # type: ignore[union-attr]
        superuser = connection.exec_driver_sql("SELECT current_user").scalar_one()
        with pytest.raises(UnsafeAppRole):
            grant_app_role(connection, superuser)
