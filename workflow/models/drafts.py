"""A web referral being filled in: kept on the server so it survives a timeout, then deleted."""

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from workflow.models.base import enum_type, json_dict, utcnow
from workflow.models.referral import Pathway


class ReferralDraft(SQLModel, table=True):
    __tablename__ = "referral_draft"

    id: int | None = Field(default=None, primary_key=True)
    # SHA-256 of the opaque token kept in the browser's session; the token itself is never stored.
    token_hash: str = Field(max_length=64, unique=True)
    pathway: Pathway = Field(sa_type=enum_type(Pathway))
    # Page slug -> the fields as posted ({name: [values]}), re-validated when submitted.
    pages: dict[str, Any] = Field(default_factory=dict, sa_type=json_dict())
    # One-time token printed on the check-your-answers page; renewed on every change.
    submit_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    submitted_at: datetime | None = None
    referral_id: int | None = Field(default=None, foreign_key="referral.id")
    reference: str = Field(default="", max_length=20)
