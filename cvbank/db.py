"""Database plumbing: the declarative base, column types, engine and session handling.

Services only ``flush``; the request (``cvbank.web``) or the worker's job loop commits or rolls
back in one place, and runs the clean-ups that services registered for a rollback (files written
to storage before a transaction that did not commit).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from sqlalchemy import DateTime, Enum, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Store UTC timestamps; always hand back timezone-aware values (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use cvbank.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base class of every cvbank model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


def enum_type(kind: type[enum.Enum], name: str) -> Enum:
    """Store an enum by its value as a short string (no native enum: migrations stay simple)."""
    return Enum(
        kind,
        name=name,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        length=20,
        validate_strings=True,
    )


UuidPk = Annotated[uuid.UUID, mapped_column(primary_key=True, default=uuid.uuid4)]
CreatedAt = Annotated[datetime, mapped_column(default=utcnow)]


def make_engine(url: str) -> Engine:
    """Create the SQLAlchemy engine, with SQLite tuned for one writer and many readers."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # WAL lets the web threads read while the worker writes; foreign keys are off by
            # default in SQLite and cascading deletes (erasure) depend on them.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # Take the write lock at BEGIN so two writers queue instead of deadlocking on upgrade.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        # pysqlite's own transaction handling would issue BEGIN lazily; turn it off so the
        # "begin" event above controls it.
        @event.listens_for(engine, "connect")
        def _sqlite_autocommit(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """The engine and session factory of one app."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_postgres(self) -> bool:
        """Return whether the database is PostgreSQL."""
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Open a session, commit if the block succeeds, roll back (and clean up) if not."""
        session = self.sessionmaker()
        try:
            yield session
            commit(session)
        except BaseException:
            rollback(session)
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def on_rollback(session: Session, cleanup: Callable[[], None]) -> None:
    """Run ``cleanup`` if this session's transaction is rolled back instead of committed."""
    session.info.setdefault("on_rollback", []).append(cleanup)


def commit(session: Session) -> None:
    """Commit, or roll back and run the registered clean-ups if the commit fails."""
    try:
        session.commit()
    except BaseException:
        rollback(session)
        raise
    session.info.pop("on_rollback", None)


def rollback(session: Session) -> None:
    """Roll back and run the clean-ups registered with ``on_rollback``."""
    session.rollback()
    for cleanup in reversed(session.info.pop("on_rollback", [])):
        cleanup()
