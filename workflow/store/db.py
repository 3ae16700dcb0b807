"""The database: one engine per process and a unit of work that rolls back unless committed."""

from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from workflow.errors import StaleReferral


def make_engine(url: str) -> sa.Engine:
    """Create an engine; SQLite gets the settings that let the web and scheduler share a file."""
    # hide_parameters: a failed statement's error text would otherwise carry the victim's name,
    # address and phone into logs and tracebacks.
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True, hide_parameters=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
    sa.event.listen(engine, "connect", _sqlite_pragmas)
    sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy issue BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets the web app read while the scheduler writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


# SQLite's answer when a transaction that has read tries to write after another one committed: the
# same lost race that PostgreSQL reports through the version check.
SQLITE_BUSY_SNAPSHOT = 517


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
        # close() rolls back whatever was not committed but, unlike rollback(), leaves loaded
        # objects readable, so a view can render what it read after the unit of work ends.
        self.session.close()

    def commit(self) -> None:
        """Commit the transaction, turning a lost optimistic-lock race into StaleReferral."""
        try:
            self.session.commit()
        except StaleDataError as error:
            self.session.rollback()
            raise StaleReferral() from error
        except sa.exc.OperationalError as error:
            self.session.rollback()
            if getattr(error.orig, "sqlite_errorcode", None) == SQLITE_BUSY_SNAPSHOT:
                raise StaleReferral() from error
            raise


def upsert(session: Session, table: Any) -> Any:
    """An INSERT that can take ON CONFLICT: the dialect's own (PostgreSQL and SQLite alike)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


class Database:
    """An engine and its session factory, created by the app factory or a command, not at import."""

    def __init__(self, url: str, bind: sa.Engine | sa.Connection | None = None) -> None:
        self.url = url
        self.bind = bind or make_engine(url)
        # Bound to a connection (tests), a commit releases a savepoint instead of committing.
        self.session_factory = sessionmaker(
            self.bind,
            class_=Session,
            expire_on_commit=False,
            join_transaction_mode="create_savepoint",
        )

    def uow(self) -> UnitOfWork:
        """Start a unit of work."""
        return UnitOfWork(self.session_factory)
