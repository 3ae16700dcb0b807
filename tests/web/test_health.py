"""/healthz and /readyz: open to a load balancer, no cookie, fixed words, 503 when not ready."""

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from app import create_app
from workflow.inbound import mailbox_health
from workflow.models import utcnow
from workflow.store import lease
from workflow.store.db import Database

FIXED_WORDS = {
    "ok",
    "unreachable",
    "not migrated",
    "not at the migrations' head",
    "no scheduler holds the lease",
    "never polled",
    "not polled lately",
}


def _hold_scheduler_lease(database: Database) -> None:
    with database.uow() as uow:
        lease.acquire(uow.session, "scheduler-a", utcnow(), timedelta(seconds=90))
        uow.commit()


def _polled(database: Database, ago: timedelta) -> None:
    with database.uow() as uow:
        mailbox_health.record_success(uow.session, utcnow() - ago, 0)
        uow.commit()


def _ready(client: FlaskClient) -> tuple[int, dict[str, str]]:
    response = client.get("/readyz")
    assert "Set-Cookie" not in response.headers
    body = response.get_json()
    assert set(body["checks"].values()) <= FIXED_WORDS, body  # nothing but fixed words
    return response.status_code, body["checks"]


def test_healthz_answers_without_a_session(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})
    assert "Set-Cookie" not in response.headers


def test_ready_when_migrated_and_a_scheduler_holds_the_lease(
    client: FlaskClient, database: Database
) -> None:
    status, checks = _ready(client)
    assert status == 503 and checks["scheduler"] == "no scheduler holds the lease"
    _hold_scheduler_lease(database)
    assert _ready(client) == (
        200,
        {"database": "ok", "migrations": "ok", "scheduler": "ok", "mailbox": "ok"},
    )


def test_a_database_behind_the_migrations_is_not_ready(
    client: FlaskClient, database: Database
) -> None:
    _hold_scheduler_lease(database)
    with database.uow() as uow:
        uow.session.execute(text("UPDATE alembic_version SET version_num = '0001_older'"))
        uow.commit()
    assert _ready(client) == (503, {"database": "ok", "migrations": "not at the migrations' head"})


def test_the_mailbox_must_have_been_polled_lately_when_polling_is_on(
    app: Flask, client: FlaskClient, database: Database
) -> None:
    app.config.update(IMAP_HOST="127.0.0.1", POLL_INTERVAL_SECONDS=60, IMAP_TIMEOUT_SECONDS=30)
    _hold_scheduler_lease(database)
    assert _ready(client)[1]["mailbox"] == "never polled"
    _polled(database, timedelta(minutes=6))
    assert _ready(client)[1]["mailbox"] == "not polled lately"
    _polled(database, timedelta(seconds=10))
    assert _ready(client)[0] == 200


def test_an_unreachable_database_is_not_ready(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'folder' / 'db.sqlite3'}",
            "SECRET_KEY": "test-secret-key-not-for-production",
            "TESTING": True,
        }
    )
    assert _ready(app.test_client()) == (503, {"database": "unreachable"})
