"""Mail in and out: every inbound message kept whole, its attachments, and the outbox."""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from workflow.models.base import enum_type, json_dict, json_list, utcnow


class Disposition(StrEnum):
    PENDING = "pending"  # stored, not yet processed (a crash here is picked up on the next poll)
    REFERRAL = "referral"
    UPDATE = "update"
    DUPLICATE = "duplicate"
    IGNORE_AUTOREPLY = "ignore_autoreply"
    IGNORE_BOUNCE = "ignore_bounce"
    REJECT_SELF_REFERRAL = "reject_self_referral"
    QUARANTINE = "quarantine"


class InboundMessage(SQLModel, table=True):
    __tablename__ = "inbound_message"

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(default="", max_length=998, index=True)
    content_hash: str = Field(max_length=64, index=True)
    raw: bytes = Field(sa_type=sa.LargeBinary)
    channel: str = Field(default="imap", max_length=16)  # imap, cli, upload
    folder: str = Field(default="", max_length=200)
    uidvalidity: int | None = Field(default=None, sa_type=sa.BigInteger)
    uid: int | None = Field(default=None, sa_type=sa.BigInteger)
    from_address: str = Field(default="", max_length=254)
    subject: str = Field(default="", max_length=998)
    disposition: Disposition = Field(default=Disposition.PENDING, sa_type=enum_type(Disposition))
    reason: str = Field(default="", max_length=2000)
    referral_id: int | None = Field(default=None, foreign_key="referral.id", index=True)
    extraction: dict[str, Any] | None = Field(default=None, sa_type=json_dict())
    received_at: datetime = Field(default_factory=utcnow, index=True)
    processed_at: datetime | None = None
    # A self-referral or quarantined message a person has settled: who, when and what they did.
    dealt_with_at: datetime | None = None
    dealt_with_by: str = Field(default="", max_length=254)
    dealt_with_note: str = Field(default="", max_length=2000)
    # Attempts to read and settle it; after workflow.inbound.settling.SET_ASIDE_AFTER it is set
    # aside.
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Its size in bytes as the server gave it (kept also when it was too large to fetch).
    size: int = Field(default=0, sa_type=sa.BigInteger, sa_column_kwargs={"server_default": "0"})
    # clamd's verdict as it arrived: clean, found: <signature>, or not scanned (and why).
    virus_scan: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""})
    # The receiving server's SPF/DKIM/DMARC verdict on the From: address, believed only from the
    # configured server (workflow/inbound/sender_authentication.py); None before it was kept.
    sender_check: dict[str, Any] | None = Field(default=None, sa_type=json_dict())


class Attachment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="inbound_message.id", index=True)
    filename: str = Field(max_length=255)
    declared_type: str = Field(default="", max_length=255)
    detected_type: str = Field(default="", max_length=255)
    size: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_type=sa.LargeBinary)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # permanently refused; kept with the reason and shown to coordinators


class Outbox(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # Makes queueing idempotent: e.g. "reminder:REF-2026-000001:allocation:1".
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    kind: str = Field(max_length=32)  # acknowledgement, allocation, reminder, escalation, digest
    to: list[str] = Field(default_factory=list, sa_type=json_list())
    subject: str = Field(max_length=998)
    body_text: str = Field(sa_type=sa.Text)
    body_html: str = Field(default="", sa_type=sa.Text)
    headers: dict[str, str] = Field(default_factory=dict, sa_type=json_dict())
    referral_id: int | None = Field(default=None, foreign_key="referral.id", index=True)
    # The Message-ID it goes out with, fixed when first claimed for sending: a resend carries the
    # same one, and a reply naming it (In-Reply-To, References) is recognised as about this mail.
    message_id: str = Field(default="", max_length=998, index=True)
    status: OutboxStatus = Field(
        default=OutboxStatus.PENDING, sa_type=enum_type(OutboxStatus), index=True
    )
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    last_error: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
