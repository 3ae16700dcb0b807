"""Column helpers shared by the tables."""

from datetime import UTC, datetime
from enum import Enum
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.ext.mutable import MutableDict, MutableList


def utcnow() -> datetime:
    """Return the current time, timezone-aware (SQLModel's UTC type rejects naive datetimes)."""
    return datetime.now(UTC)


def enum_type(enum: type[Enum]) -> sa.Enum:
    """Store an enum as its value in a VARCHAR, so new members need no database type change."""
    return sa.Enum(
        enum,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


def json_dict() -> Any:
    """A JSON object column whose in-place changes are saved."""
    return MutableDict.as_mutable(sa.JSON())


def json_list() -> Any:
    """A JSON array column whose in-place changes are saved."""
    return MutableList.as_mutable(sa.JSON())


class HasId(Protocol):
    id: int | None


def persisted_id(row: HasId) -> int:
    """Return the primary key of a flushed row; a missing one is a programming error."""
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} has not been flushed yet")
    return row.id
