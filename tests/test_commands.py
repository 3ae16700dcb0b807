"""The operators' commands (docs/contract.md) against a real, committed database on each backend."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlmodel import col, select

from app import create_app
from tests.factories import make_referral
from workflow.models import AuditEvent, User
from workflow.staff import sign_in
from workflow.store.db import Database

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cli_app(committed_database: Database) -> Flask:
    app = create_app(
        {"DATABASE_URL": committed_database.url, "SECRET_KEY": "test", "TESTING": True}
    )
    app.extensions["database"] = committed_database
    return app


@pytest.fixture
def runner(cli_app: Flask) -> FlaskCliRunner:
    return cli_app.test_cli_runner()


def _signs_in(database: Database, email: str, password: str) -> User:
    with database.uow() as uow:
        user = sign_in.authenticate(uow, email, password)
        uow.commit()
        return user


def test_the_schema_goes_down_and_up_again_without_drift(runner: FlaskCliRunner) -> None:
    for args in (["db", "downgrade", "base"], ["db", "upgrade"], ["db", "check"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output, result.exception)


def test_create_user_reads_the_password_from_stdin(
    runner: FlaskCliRunner, committed_database: Database
) -> None:
    password = "a long enough passphrase"
    result = runner.invoke(
        args=["create-user", "ida@example.org", "--role", "idva"], input=password + "\n"
    )
    assert result.exit_code == 0, result.output
    user = _signs_in(committed_database, "ida@example.org", password)
    assert user.role.value == "idva" and user.must_change_password


def test_create_user_refuses_a_duplicate_and_a_weak_password(runner: FlaskCliRunner) -> None:
    args = ["create-user", "ida@example.org", "--role", "idva"]
    assert runner.invoke(args=args, input="a long enough passphrase\n").exit_code == 0
    again = runner.invoke(args=args, input="another long passphrase\n")
    assert again.exit_code != 0 and "Error" in again.output
    weak = runner.invoke(args=["create-user", "b@example.org", "--role", "idva"], input="short\n")
    assert weak.exit_code != 0 and "Error" in weak.output


def test_the_first_admin_is_made_once_with_a_password_shown_once(
    runner: FlaskCliRunner, committed_database: Database
) -> None:
    first = runner.invoke(args=["create-first-admin"])
    password = re.search(r"One-time password: (\S+)", first.output)
    assert first.exit_code == 0 and password
    user = _signs_in(committed_database, "admin@localhost", password.group(1))
    assert user.must_change_password
    second = runner.invoke(args=["create-first-admin"])
    assert "nothing to do" in second.output and "password" not in second.output.lower()


def test_the_first_admins_password_is_kept_in_a_private_file_too(
    runner: FlaskCliRunner, committed_database: Database, tmp_path: Path
) -> None:
    kept = tmp_path / "instance" / "first-admin-password.txt"
    result = runner.invoke(args=["create-first-admin", "--password-file", str(kept)])
    password = re.search(r"One-time password: (\S+)", result.output)
    assert result.exit_code == 0 and password and str(kept) in result.output
    assert kept.read_text() == f"admin@localhost\n{password.group(1)}\n"
    assert kept.stat().st_mode & 0o777 == 0o600


def test_export_prints_one_json_line_per_referral_and_is_audited(
    runner: FlaskCliRunner, committed_database: Database
) -> None:
    made = [make_referral(committed_database).reference for _ in range(2)]
    result = runner.invoke(args=["export-referrals"])
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["reference"] for r in records] == made
    assert {"state", "pathway", "referral", "risk", "history"} <= records[0].keys()
    with committed_database.uow() as uow:
        last = uow.session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert last is not None and last.action == "export"


@pytest.mark.parametrize(
    "env",
    [{"APP_ENV": "production"}, {"APP_ENV": "production", "SECRET_KEY": "x", "FLASK_DEBUG": "1"}],
    ids=["no secret key", "debug on"],
)
def test_production_refuses_an_unsafe_configuration(env: dict[str, str], tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_DEBUG")}
    clean["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "-m", "flask", "routes"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ConfigurationError" in result.stderr


def test_account_lifecycle_commands_are_audited(
    runner: FlaskCliRunner, committed_database: Database
) -> None:
    from tests.factories import make_user
    from workflow.models.staff import Role

    make_user(committed_database, Role.IDVA)
    email = "idva@example.org"
    for command in (["disable-user", email], ["enable-user", email], ["unlock-user", email]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    result = runner.invoke(args=["set-role", email, "manager"])
    assert "waits for an administrator or manager" in result.output
    result = runner.invoke(args=["set-role", email, "admin"])
    assert f"{email} is now admin" in result.output
    result = runner.invoke(args=["reset-password", email])
    assert "valid for 72 hours, is in the outbox" in result.output
    assert "/set-up/" not in result.output  # the operator never sees the link
    assert runner.invoke(args=["disable-user", "nobody@example.org"]).exit_code != 0
    with committed_database.uow() as uow:
        actions = set(uow.session.exec(select(AuditEvent.action)))
    assert {
        "disable",
        "enable",
        "unlock",
        "request_role",
        "change_role",
        "reset_password",
    } <= actions


def test_reset_two_factor_from_the_command_line(
    runner: FlaskCliRunner, committed_database: Database
) -> None:
    from tests.factories import enrol_two_factor, make_user
    from workflow.models.staff import Role
    from workflow.staff import two_factor

    user = make_user(committed_database, Role.ADMIN)  # the only administrator lost their phone
    enrol_two_factor(committed_database, user)
    result = runner.invoke(args=["reset-two-factor", "admin@example.org"])
    assert result.exit_code == 0, result.output
    assert "Two-factor sign-in reset for admin@example.org" in result.output
    with committed_database.uow() as uow:
        after = uow.session.get(User, user.id)
        assert after is not None and not two_factor.enrolled(after)
        assert "two_factor_reset" in set(uow.session.exec(select(AuditEvent.action)))
