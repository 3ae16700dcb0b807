"""A clock the tests control: instants in London time, and referrals whose steps began then.

The use cases stamp changes with the real time; these helpers move a referral's clock to the
instant a test names, through the same refresh_deadline the use cases call.
"""

from datetime import UTC, datetime

from sqlmodel import col, select

from mailbox.outbound import SmtpSettings, send_pending
from tests.factories import make_referral
from tests.support.smtp import ReceivedMessage, SmtpServer
from workflow.deadlines.reminders import ReminderReport, ReminderSettings, send_reminders
from workflow.deadlines.steps import refresh_deadline
from workflow.deadlines.working_time import LONDON
from workflow.models import Outbox, Referral
from workflow.store.db import Database

BASE_URL = "https://desk.example.org"
SETTINGS = ReminderSettings(base_url=BASE_URL)


def london(*args: int) -> datetime:
    """Return the UTC instant of a London wall-clock time."""
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)  # type: ignore[misc]


def referral_received(database: Database, at: datetime, **fields: object) -> Referral:
    """Receive a referral through the real intake, as if it arrived at `at`."""
    return make_referral(database, received_at=at, **fields)  # type: ignore[arg-type]


def step_began(database: Database, referral_id: int, at: datetime) -> Referral:
    """Say the referral's current step (its state, or its last activity) began at `at`."""
    with database.uow() as uow:
        referral = uow.session.get(Referral, referral_id)
        assert referral is not None
        referral.state_entered_at = referral.last_activity_at = at
        if referral.first_contact_at is not None:
            referral.first_contact_at = at
        refresh_deadline(referral)
        uow.commit()
        return referral


def run_job(database: Database, at: datetime) -> ReminderReport:
    """Run the reminder job as of `at`."""
    return send_reminders(database, at, SETTINGS)


def smtp_settings(smtp: SmtpServer, **changes: object) -> SmtpSettings:
    """Point the sender at the test SMTP server."""
    values: dict[str, object] = {
        "host": smtp.host,
        "port": smtp.port,
        "security": "none",
        "mail_from": "referrals@desk.example.org",
        "timeout": 5.0,
    }
    values.update(changes)
    return SmtpSettings(**values)  # type: ignore[arg-type]


def deliver(database: Database, smtp: SmtpServer, **changes: object) -> list[ReceivedMessage]:
    """Send the outbox to the test server and return what it received in this run."""
    before = len(smtp.messages)
    send_pending(database, smtp_settings(smtp, **changes))
    return smtp.messages[before:]


def queued(database: Database, kind: str | None = None) -> list[Outbox]:
    """Return the outbox rows, of one kind if given, in order."""
    with database.uow() as uow:
        query = select(Outbox).order_by(col(Outbox.id))
        if kind:
            query = query.where(col(Outbox.kind) == kind)
        return list(uow.session.exec(query))
