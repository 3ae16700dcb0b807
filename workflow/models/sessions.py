"""Signed-in sessions kept on the server, so a copied cookie can be ended from here."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from workflow.models.base import utcnow


class StaffSession(SQLModel, table=True):
    __tablename__ = "staff_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    # SHA-256 of the random id in the cookie: a copy of this table cannot be replayed.
    token_hash: str = Field(max_length=64, unique=True, index=True)
    browser: str = Field(default="", max_length=120)  # shown on the user's own list only
    started_at: datetime = Field(default_factory=utcnow)
    seen_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    ended_why: str = Field(default="", max_length=40)
