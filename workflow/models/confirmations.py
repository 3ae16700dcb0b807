"""A one-time link that confirms a web-form referrer typed their own email address."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from workflow.models.base import utcnow


class ReferrerConfirmation(SQLModel, table=True):
    """The hash of a confirmation link's token (never the token), its expiry and its use."""

    __tablename__ = "referrer_confirmation"

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    email: str = Field(max_length=254)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    confirmed_at: datetime | None = None
