"""The backup rehearsal: pg_dump the live database, pg_restore it into a new one, start the app on
the copy, and compare what each holds: row counts and a checksum of every row of the referrals,
the original messages, their attachments and the audit trail."""

from __future__ import annotations

import hashlib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from app import create_app
from tests.factories import PASSWORD, next_totp_code
from tests.support.postgres import create_database, drop_database
from tests.web.pages import sign_in

TABLES = ("referral", "inbound_message", "attachment", "audit_event")


@dataclass(frozen=True)
class Census:
    """What a database holds: rows per table and one checksum per table over every row."""

    rows: dict[str, int]
    checksums: dict[str, str]

    @property
    def referrals(self) -> int:
        return self.rows["referral"]

    @property
    def audit_rows(self) -> int:
        return self.rows["audit_event"]


@dataclass(frozen=True)
class Rehearsal:
    original: Census
    restored: Census
    dump_bytes: int
    pages_shown: int


def census(url: str) -> Census:
    """Count and checksum every row of the tables that must survive a restore."""
    engine = sa.create_engine(url)
    rows, checksums = {}, {}
    try:
        with engine.connect() as connection:
            for table in TABLES:
                digest = hashlib.sha256()
                result = connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY id"))
                count = 0
                for row in result:
                    digest.update(repr(tuple(row)).encode())
                    count += 1
                rows[table], checksums[table] = count, digest.hexdigest()
    finally:
        engine.dispose()
    return Census(rows, checksums)


def _libpq(url: str) -> str:
    return re.sub(r"^postgresql\+psycopg://", "postgresql://", url)


def rehearse_restore(url: str, admin_url: str, workdir: Path) -> Rehearsal:
    """Dump `url`, restore it into a new database, start the app on it, compare the two."""
    dump = workdir / "referrals.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", f"--dbname={_libpq(url)}"], check=True
    )
    original = census(url)
    restored_url = create_database(admin_url)
    try:
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={_libpq(restored_url)}",
                str(dump),
            ],
            check=True,
        )
        restored = census(restored_url)  # before the app reads (and so audits) anything
        pages = _app_serves_every_referral(restored_url)
    finally:
        drop_database(admin_url, restored_url)
    return Rehearsal(original, restored, dump.stat().st_size, pages)


def _app_serves_every_referral(url: str) -> int:
    """Start the app on the restored copy and open each referral's page as the coordinator."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "restored-copy-key"})
    database = app.extensions["database"]
    client = app.test_client()
    ready = client.get("/readyz").get_json()["checks"]
    assert ready["database"] == ready["migrations"] == "ok", ready
    # The coordinator set up two-factor sign-in in production; its secret came through the copy.
    code = next_totp_code(database, "coordinator@example.org")
    assert sign_in(client, "coordinator@example.org", PASSWORD, code).status_code == 302
    assert client.get("/queue").status_code == 200
    with database.bind.connect() as connection:
        referrals = connection.execute(sa.text("SELECT id, victim_name FROM referral")).all()
    for referral_id, victim in referrals:
        page = client.get(f"/referrals/{referral_id}")
        assert page.status_code == 200 and victim in page.get_data(as_text=True), referral_id
    database.bind.dispose()
    return len(referrals)
