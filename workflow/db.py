"""The database: one engine per process and a unit of work that rolls back unless committed."""

from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from workflow.errors import StaleReferral


def make_engine(url: str) -> sa.Engine:
    """Create an engine; SQLite gets the settings that let the web and scheduler share a file."""
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30})
    sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web app read while the scheduler writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class UnitOfWork:
    """One transaction: use as a context manager, call commit(); anything else rolls back."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        """Commit the transaction, turning a lost optimistic-lock race into StaleReferral."""
        try:
            self.session.commit()
        except StaleDataError as error:
            self.session.rollback()
            raise StaleReferral() from error


class Database:
    """An engine and its session factory, created by the app factory or a command, not at import."""

    def __init__(self, url: str, engine: sa.Engine | None = None) -> None:
        self.url = url
        self.engine = engine or make_engine(url)
        self.session_factory = sessionmaker(self.engine, class_=Session, expire_on_commit=False)

    def uow(self) -> UnitOfWork:
        """Start a unit of work."""
        return UnitOfWork(self.session_factory)
