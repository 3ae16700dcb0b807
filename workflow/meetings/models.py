"""The meeting tables: sittings, a referral's listings on them, research, attendance, actions.

A listing belongs to one referral and one sitting. An adjourned listing is never moved: it keeps
its sitting and ends at "adjourned", and the case is re-listed as a new listing that points back
to it, so the history of where a case was listed stays readable (docs/domain.md, issue 18).
Every change of a listing writes a ListingChange, as a referral's changes write StateChange.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from workflow.models.base import enum_type, utcnow


class MeetingState(StrEnum):
    LISTED = "listed"
    ADJOURNED = "adjourned"
    HEARD = "heard"
    ACTIONS_OPEN = "actions_open"
    DONE = "done"


class ActionState(StrEnum):
    OPEN = "open"
    DONE = "done"
    CLOSED = "closed"  # ended without being done, with a reason


# Version columns outside the classes, as Referral's: every UPDATE says WHERE version = the one
# loaded, so a concurrent change is refused, not lost (optimistic locking).
_sitting_version = sa.Column("version", sa.Integer, nullable=False, server_default="1")
_listing_version = sa.Column("version", sa.Integer, nullable=False, server_default="1")
_action_version = sa.Column("version", sa.Integer, nullable=False, server_default="1")


class MaracSitting(SQLModel, table=True):
    """One MARAC meeting: from the recurring pattern, or a one-off the coordinator added."""

    __tablename__ = "marac_sitting"

    id: int | None = Field(default=None, primary_key=True)
    sits_on: date = Field(index=True)
    capacity: int
    chair: str = Field(default="", max_length=200)
    one_off: bool = False
    # The pattern's date for a sitting made from it (None for a one-off): unique, so two
    # processes making the calendar at once cannot make the same sitting twice.
    pattern_day: date | None = Field(default=None, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column=_sitting_version)

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": _sitting_version}


class MaracListing(SQLModel, table=True):
    """A referral listed on a sitting, and what the meeting made of it."""

    __tablename__ = "marac_listing"

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    sitting_id: int = Field(foreign_key="marac_sitting.id", index=True)
    state: MeetingState = Field(default=MeetingState.LISTED, sa_type=enum_type(MeetingState))
    # The adjourned listing this one re-lists, so the chain of sittings can be followed back.
    relisted_from_id: int | None = Field(default=None, foreign_key="marac_listing.id")
    risks: str = Field(default="", sa_type=sa.Text)
    outcome: str = Field(default="", sa_type=sa.Text)
    heard_on: date | None = None
    # When the minutes and action plan were made available to the sitting's invited agencies.
    minutes_published_at: datetime | None = None
    listed_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column=_listing_version)

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": _listing_version}


class ListingChange(SQLModel, table=True):
    """One step of a listing through the meeting lifecycle (append-only, like StateChange)."""

    __tablename__ = "marac_listing_change"

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="marac_listing.id", index=True)
    from_state: MeetingState | None = Field(default=None, sa_type=enum_type(MeetingState))
    to_state: MeetingState = Field(sa_type=enum_type(MeetingState))
    event: str = Field(max_length=32)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    actor_label: str = Field(max_length=254)
    reason: str = Field(default="", max_length=2000)
    at: datetime = Field(default_factory=utcnow)


class AgencyResearch(SQLModel, table=True):
    """What one agency found in its records about a listed case: known to us, or not known."""

    __tablename__ = "marac_research"

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="marac_listing.id", index=True)
    agency: str = Field(max_length=200)
    known: bool
    summary: str = Field(default="", sa_type=sa.Text)
    author_id: int | None = Field(default=None, foreign_key="user_account.id")
    author_label: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utcnow)


class Attendance(SQLModel, table=True):
    """An agency at a sitting: who came for it, or that it sent no one."""

    __tablename__ = "marac_attendance"
    __table_args__ = (sa.UniqueConstraint("sitting_id", "agency"),)

    id: int | None = Field(default=None, primary_key=True)
    sitting_id: int = Field(foreign_key="marac_sitting.id", index=True)
    agency: str = Field(max_length=200)
    attendee: str = Field(default="", max_length=200)
    present: bool = True


class MaracAction(SQLModel, table=True):
    """One action of a case's action plan: an owning agency, what to do and by when."""

    __tablename__ = "marac_action"

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="marac_listing.id", index=True)
    agency: str = Field(max_length=200)
    description: str = Field(sa_type=sa.Text)
    due_on: date = Field(index=True)
    state: ActionState = Field(default=ActionState.OPEN, sa_type=enum_type(ActionState))
    closed_reason: str = Field(default="", max_length=2000)
    ended_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column=_action_version)

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": _action_version}


class Invitation(SQLModel, table=True):
    """An agency representative invited to a sitting: the only sittings whose cases they see."""

    __tablename__ = "marac_invitation"
    __table_args__ = (sa.UniqueConstraint("sitting_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    sitting_id: int = Field(foreign_key="marac_sitting.id", index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    agency: str = Field(max_length=200)
    # The confidentiality statement must be accepted before the agenda is shown.
    confidentiality_accepted_at: datetime | None = None
    invited_at: datetime = Field(default_factory=utcnow)
