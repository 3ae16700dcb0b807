"""The desk's own jobs as the queue page shows them: mail waiting or refused, and when the
overdue reminders last ran, so a coordinator sees at once when the scheduler or the mail server
needs a person.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, func, select

from workflow.models import Outbox
from workflow.models.mail import OutboxStatus
from workflow.store import lease
from workflow.store.db import UnitOfWork


@dataclass
class FailedMail:
    """A message the mail server refused for good, shown so a person can act on it."""

    id: int
    kind: str
    subject: str
    last_error: str
    referral_id: int | None


@dataclass
class MailStatus:
    """The outbox as the queue shows it."""

    unsent: int
    failed: list[FailedMail]


def reminders_line(uow: UnitOfWork, now: datetime | None = None) -> str:
    """Say when the overdue reminders last ran, or that they never have."""
    run = lease.last_runs(uow.session).get("send-reminders")
    if run is None:
        return "Reminders have never run: check the scheduler (flask run-scheduler) is running."
    at = (run.finished_at or run.started_at).strftime("%d %b %Y %H:%M")
    if run.error:
        return f"Reminders last ran {at} UTC and failed: {run.error}"
    return f"Reminders last ran {at} UTC."


def mail_status(uow: UnitOfWork) -> MailStatus:
    """Return how much mail waits to be sent and which messages failed for good."""
    o = Outbox
    unsent = uow.session.exec(
        select(func.count()).select_from(o).where(col(o.status) == OutboxStatus.PENDING)
    ).one()
    failed = uow.session.execute(
        sa.select(col(o.id), col(o.kind), col(o.subject), col(o.last_error), col(o.referral_id))
        .where(col(o.status) == OutboxStatus.FAILED)
        .order_by(col(o.created_at).desc())
        .limit(20)
    )
    return MailStatus(unsent, [FailedMail(*row) for row in failed])
