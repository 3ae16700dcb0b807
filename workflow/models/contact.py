"""The contact log: tries to reach the victim, first contact made, safe channels confirmed.

Rows are never deleted: a first contact recorded by mistake is withdrawn (who, when, why) and
stays in the log, so the record of who tried to reach the victim, and how, is complete.
"""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from workflow.models.base import enum_type, utcnow


class ContactKind(StrEnum):
    MADE = "made"  # first contact with the victim
    FAILED = "failed"  # an attempt that did not reach the victim
    CHANNEL_CONFIRMED = "channel_confirmed"  # a channel the referrer left open, now known safe


class ContactLog(SQLModel, table=True):
    __tablename__ = "contact_log"

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    kind: ContactKind = Field(sa_type=enum_type(ContactKind))
    at: datetime  # when it happened, as the IDVA says (not when it was typed in)
    channel: str = Field(max_length=16)  # a code of workflow.record.options.CHANNEL_NAMES
    note: str = Field(default="", max_length=2000)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    actor_label: str = Field(max_length=254)
    recorded_at: datetime = Field(default_factory=utcnow)
    withdrawn_at: datetime | None = None
    withdrawn_by: str = Field(default="", max_length=254)
    withdrawn_reason: str = Field(default="", max_length=2000)
