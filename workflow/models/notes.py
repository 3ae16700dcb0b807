"""Notes staff add to a referral; each is kept as written (a correction is a new note)."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from workflow.models.base import utcnow


class Note(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    kind: str = Field(default="note", max_length=32)  # note, duplicate_link
    text: str = Field(sa_type=sa.Text)
    author_id: int | None = Field(default=None, foreign_key="user_account.id")
    author_label: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utcnow)
