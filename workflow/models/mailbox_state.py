"""What the poller remembers between cycles: each folder's UIDVALIDITY and the mailbox's health."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col

from workflow.models.base import utcnow
from workflow.models.mail import Attachment, InboundMessage


class MailboxFolder(SQLModel, table=True):
    """One IMAP folder as last seen: a change of UIDVALIDITY means its UIDs were renumbered."""

    __tablename__ = "mailbox_folder"

    folder: str = Field(primary_key=True, max_length=200)
    # IMAP UIDs and UIDVALIDITY are unsigned 32-bit: too big for PostgreSQL's INTEGER.
    uidvalidity: int | None = Field(default=None, sa_type=sa.BigInteger)
    last_uid: int = Field(default=0, sa_type=sa.BigInteger)
    updated_at: datetime = Field(default_factory=utcnow)


class MailboxStatus(SQLModel, table=True):
    """The mailbox's health (one row): last success, last error, back-off and the poll lease."""

    __tablename__ = "mailbox_status"

    id: int = Field(default=1, primary_key=True)
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str = Field(default="", max_length=2000)
    last_error_at: datetime | None = None
    failures: int = 0  # consecutive failed cycles, for the back-off
    retry_at: datetime | None = None  # no connection attempt before this
    left_in_mailbox: int = 0  # messages in the folder not yet read, as of the latest look
    # Only one cycle at a time, whichever process runs it (scheduler or `flask poll-mailbox`).
    lease_until: datetime | None = None
    # Who holds it ("host:pid"): a holder found dead on this host gives it up at once.
    lease_owner: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""})


# Lookups the poller makes on every message, kept off full scans of the tables of raw mail:
# the message in a folder slot, messages waiting or quarantined, and a form file seen before.
sa.Index(
    "ix_inbound_message_slot",
    col(InboundMessage.folder),
    col(InboundMessage.uidvalidity),
    col(InboundMessage.uid),
)
sa.Index("ix_inbound_message_disposition", col(InboundMessage.disposition))
sa.Index("ix_attachment_sha256", col(Attachment.sha256))
