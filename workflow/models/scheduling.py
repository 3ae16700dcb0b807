"""The scheduler's own records: reminders sent, the lease that elects one scheduler, heartbeats."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from workflow.models.base import json_dict, utcnow


class ReminderSent(SQLModel, table=True):
    """One reminder or escalation queued for one deadline; the unique key makes it once only."""

    __tablename__ = "reminder_sent"
    __table_args__ = (
        sa.UniqueConstraint("referral_id", "kind", "due_at", "level", name="uq_reminder_sent_step"),
    )

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    kind: str = Field(max_length=16)
    due_at: datetime
    level: int  # 1 reminder, 2 escalation to managers
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id")
    created_at: datetime = Field(default_factory=utcnow)


class SchedulerLease(SQLModel, table=True):
    """Who may run the scheduler's jobs until `expires_at`; renewed while the holder lives."""

    __tablename__ = "scheduler_lease"

    name: str = Field(primary_key=True, max_length=32)
    holder: str = Field(max_length=200)
    acquired_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class JobHeartbeat(SQLModel, table=True):
    """Each job's last run: start, end, what it did, and the error if it failed."""

    __tablename__ = "job_heartbeat"

    job: str = Field(primary_key=True, max_length=32)
    started_at: datetime
    finished_at: datetime | None = None
    ok: bool = True
    counts: dict[str, Any] = Field(default_factory=dict, sa_type=json_dict())
    error: str = Field(default="", max_length=2000)
    holder: str = Field(default="", max_length=200)
