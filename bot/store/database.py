"""The database connection: engine with timeouts, dialect SQL details, DBAPI transactions."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5
STATEMENT_TIMEOUT_MS = 5000
SQLITE_BUSY_TIMEOUT_MS = 5000


class DatabaseUnavailable(Exception):
    """The database could not be reached or used; the message says why."""


@dataclass(frozen=True)
class Dialect:
    """What differs between SQLite and PostgreSQL in the hand-written SQL."""

    name: str
    begin: str | None  # statement that opens a write transaction, if one is needed
    lock: str  # suffix that locks selected rows until commit

    def sql(self, statement: str) -> str:
        """``statement`` with ``?`` placeholders in this driver's style."""
        return statement if self.name == "sqlite" else statement.replace("?", "%s")

    def stamp(self, moment: datetime) -> object:
        """A timestamp as the sessions table stores it."""
        if self.name == "sqlite":  # the text form SQLAlchemy's SQLite DateTime type uses
            return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        return moment


_DIALECTS = {
    # BEGIN IMMEDIATE takes the write lock up front: no deadlock upgrading a read lock.
    "sqlite": Dialect("sqlite", "BEGIN IMMEDIATE", ""),
    # FOR UPDATE locks the person's row until commit: one step at a time per person.
    "postgresql": Dialect("postgresql", None, " FOR UPDATE"),
}


def dialect_of(engine: Engine) -> Dialect:
    """The Dialect of an engine."""
    return _DIALECTS[engine.dialect.name]


@contextmanager
def transaction(engine: Engine, dialect: Dialect) -> Iterator[Any]:
    """A DBAPI cursor in one transaction on a pooled connection: commit, or roll back."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if dialect.begin:
            cursor.execute(dialect.begin)
        try:
            yield cursor
            raw.commit()
        except BaseException:
            raw.rollback()
            raise
    finally:
        raw.close()


def open_engine(url: str) -> Engine:
    """An engine for ``url`` with bounded waits; a broken connection is never reused."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, pool_pre_ping=True, pool_timeout=10
        )
        _sqlite_tuning(engine)
        return engine
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    options = " ".join(
        filter(
            None,
            [
                parsed.query.get("options"),
                f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
                f"-c lock_timeout={STATEMENT_TIMEOUT_MS}",
                f"-c idle_in_transaction_session_timeout={STATEMENT_TIMEOUT_MS * 2}",
            ],
        )
    )
    parsed = parsed.difference_update_query(["options"])
    connect_args = {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "options": options,
        # A peer that vanishes is noticed within seconds, not hours.
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 3,
        "tcp_user_timeout": STATEMENT_TIMEOUT_MS,
    }
    return create_engine(
        parsed,
        connect_args=connect_args,
        pool_pre_ping=True,
        pool_timeout=10,
        pool_size=8,
        max_overflow=8,
    )


def _sqlite_tuning(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # let BEGIN below start transactions
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a killed process; only an OS crash may lose the last commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Take the write lock up front so two processes never deadlock upgrading a read lock.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def is_unavailable(exc: BaseException) -> bool:
    """True for errors that mean the database is away, hung, full or read-only right now."""
    import psycopg
    from sqlalchemy import exc as sa_exc

    kinds = (
        sa_exc.OperationalError,
        sa_exc.TimeoutError,
        sa_exc.DisconnectionError,
        sqlite3.OperationalError,
        psycopg.OperationalError,
        DatabaseUnavailable,
    )
    return isinstance(exc, kinds)
