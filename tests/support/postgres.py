"""Throwaway PostgreSQL databases for tests.

    url = create_database(ADMIN_URL)          # a new, empty database; returns its SQLAlchemy URL
    drop_database(ADMIN_URL, url)              # drops it, even with connections still open

Also a command line for scripts/test (run from the repository root):
    python -m tests.support.postgres create ADMIN_URL [NAME]   # prints the new database's URL
    python -m tests.support.postgres drop ADMIN_URL NAME_OR_URL
"""

from __future__ import annotations

import re
import secrets
import sys

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
START_HINT = (
    "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
    " (or install it: apt-get install -y postgresql)"
)


def _libpq(url: str) -> str:
    """SQLAlchemy URL (postgresql+psycopg://...) to a libpq connection string."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _admin(admin_url: str) -> psycopg.Connection[tuple[object, ...]]:
    try:
        return psycopg.connect(_libpq(admin_url), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        safe = make_url(admin_url).render_as_string(hide_password=True)
        raise RuntimeError(f"PostgreSQL is not reachable at {safe}: {exc}\n{START_HINT}") from exc


def create_database(admin_url: str = ADMIN_URL, name: str | None = None) -> str:
    """Create an empty database (default name referrals_test_<random>); return its URL."""
    name = name or f"referrals_test_{secrets.token_hex(4)}"
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"unsafe database name: {name!r}")
    with _admin(admin_url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, name_or_url: str) -> None:
    """Drop the database (a name or a URL), closing any connections still open to it."""
    name = make_url(name_or_url).database if "://" in name_or_url else name_or_url
    if not name or name == make_url(admin_url).database:
        raise ValueError(f"refusing to drop {name!r}")
    with _admin(admin_url) as conn:
        query = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        conn.execute(query.format(sql.Identifier(name)))


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "create":
        print(create_database(argv[1], argv[2] if len(argv) > 2 else None))
        return 0
    if len(argv) == 3 and argv[0] == "drop":
        drop_database(argv[1], argv[2])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except RuntimeError as exc:
        sys.exit(f"ERROR: {exc}")
