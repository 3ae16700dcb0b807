"""Is this service ready to serve? Four facts for a load balancer or a monitor, no personal data.

The database answers, its schema is at the migrations' head, a scheduler holds its lease (it
renews it every third of the lease's length, so a held lease is a fresh heartbeat), and the
mailbox was polled successfully lately (or polling is off, which the queue says plainly). Each
check answers "ok" or a short fixed reason; nothing from a referral or a message is ever read.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from workflow.models import MailboxStatus
from workflow.store import lease

OK = "ok"


@dataclass(frozen=True)
class Readiness:
    """Each check's answer: "ok", or why not."""

    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        """Tell whether every check passed."""
        return all(answer == OK for answer in self.checks.values())


def check(
    session: Session,
    now: datetime,
    migration_heads: set[str],
    poll_stale_after: timedelta | None,
) -> Readiness:
    """Check the service; `poll_stale_after` None means mailbox polling is off."""
    try:
        session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return Readiness({"database": "unreachable"})
    migrations = _migrations(session, migration_heads)
    if migrations != OK:
        return Readiness({"database": OK, "migrations": migrations})
    return Readiness(
        {
            "database": OK,
            "migrations": OK,
            "scheduler": OK if lease.holder_of(session, now) else "no scheduler holds the lease",
            "mailbox": _mailbox(session, now, poll_stale_after),
        }
    )


def _migrations(session: Session, heads: set[str]) -> str:
    try:
        rows = session.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
        applied = set(rows)
    except sa.exc.SQLAlchemyError:
        session.rollback()
        return "not migrated"
    return OK if applied == heads else "not at the migrations' head"


def _mailbox(session: Session, now: datetime, stale_after: timedelta | None) -> str:
    if stale_after is None:
        return OK  # polling is off by configuration; the queue page says so
    row = session.get(MailboxStatus, 1)
    if row is None or row.last_success_at is None:
        return "never polled"
    if now - row.last_success_at > stale_after:
        return "not polled lately"
    return OK
