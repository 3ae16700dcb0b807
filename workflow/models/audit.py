"""The append-only audit trail: who viewed or changed what, and the values before and after."""

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from workflow.models.base import json_dict, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    # None for the system itself (the poller, the scheduler); actor_label says which.
    actor_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    actor_label: str = Field(max_length=254)
    action: str = Field(max_length=64)  # view, change, export, login, login_failed, ...
    object_type: str = Field(max_length=32)
    object_id: int | None = Field(default=None, index=True)
    summary: str = Field(default="", max_length=500)
    before: dict[str, Any] | None = Field(default=None, sa_type=json_dict())
    after: dict[str, Any] | None = Field(default=None, sa_type=json_dict())
