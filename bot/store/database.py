"""The database connection: engine with timeouts, dialect SQL details, DBAPI transactions."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

from bot.store.watchdog import WATCHDOG

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
    lock_person: str | None  # statement that locks one person (a key) until commit, if needed
    # Statement that locks a list of people (waiting, one at a time in a fixed order, so that
    # two transactions never wait for each other in a circle), if needed.
    lock_people: str | None = None
    # Statement run first in a transaction that scans the inbox or outbox, if needed. Those
    # tables churn (every row is soon updated or deleted), and until autovacuum comes by (a
    # minute apart) their indexes point at thousands of dead rows. A plain index scan marks
    # the dead entries it meets so later scans skip them; a bitmap scan never does, and
    # reads every dead row again each time: 1-4 ms per claim instead of 0.3 (see bench/).
    queue_scan: str | None = None

    @property
    def embedded(self) -> bool:
        """In the process (SQLite): a transaction costs less than a thread hand-off (~90 µs
        against ~300 µs, see bench/), so async callers may run it in place."""
        return self.name == "sqlite"

    def sql(self, statement: str) -> str:
        """``statement`` with ``?`` placeholders in this driver's style."""
        return statement if self.name == "sqlite" else statement.replace("?", "%s")

    def among(self, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """The right side of a condition "is one of ``values``", with its parameters: one
        array on PostgreSQL (the statement's text stays the same for any number of values,
        so the driver parses it once), a list of placeholders on SQLite."""
        if self.name == "sqlite":
            return "IN (" + ", ".join("?" * len(values)) + ")", list(values)
        return "= ANY(?)", [list(values)]

    def stamp(self, moment: datetime) -> object:
        """A timestamp as the sessions table stores it."""
        if self.name == "sqlite":  # the text form SQLAlchemy's SQLite DateTime type uses
            return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        return moment


_DIALECTS = {
    # BEGIN IMMEDIATE takes the write lock up front: no deadlock upgrading a read lock.
    "sqlite": Dialect("sqlite", "BEGIN IMMEDIATE", None),
    # A transaction-scoped advisory lock on the person's key: one step at a time per person,
    # also before their first row exists (a hash collision only serialises two people).
    "postgresql": Dialect(
        "postgresql",
        None,
        "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
        "SELECT pg_advisory_xact_lock(key) FROM (SELECT DISTINCT hashtextextended(person, 0) "
        "AS key FROM unnest(?::text[]) AS person ORDER BY key) AS people",
        "SET LOCAL enable_bitmapscan = off",
    ),
}


def dialect_of(engine: Engine) -> Dialect:
    """The Dialect of an engine."""
    return _DIALECTS[engine.dialect.name]


@contextmanager
def transaction(
    engine: Engine, dialect: Dialect, *, pipeline: bool = False, queue: bool = False
) -> Iterator[Any]:
    """A DBAPI cursor in one transaction on a pooled connection: commit, or roll back.

    A connection that failed is thrown away, not put back into the pool. On PostgreSQL a
    transaction that hangs (a network that swallows packets) is cut off after
    TRANSACTION_DEADLINE_S (``watchdog.py``) by closing its socket.

    With ``pipeline`` PostgreSQL runs in psycopg's pipeline mode: statements go out without
    waiting for the previous one's answer, until a result is fetched or the commit. Several
    statements then cost one round trip, in the same order. A database error surfaces at that
    fetch or commit, and ``cursor.rowcount`` is only known after a fetch.

    ``queue``: the transaction scans the inbox or outbox (see ``Dialect.queue_scan``).
    """
    raw = engine.raw_connection()
    postgres = dialect.name == "postgresql"
    guard = WATCHDOG.guard(raw) if postgres else None
    try:
        try:
            pipelined = raw.driver_connection.pipeline() if pipeline and postgres else None
            with pipelined or contextlib.nullcontext():
                cursor = raw.cursor()
                if dialect.begin:
                    cursor.execute(dialect.begin)
                if queue and dialect.queue_scan:
                    cursor.execute(dialect.queue_scan)
                yield cursor
                raw.commit()
        except BaseException as exc:
            if is_unavailable(exc):
                raw.invalidate(exc)  # a fresh connection next time
            else:
                raw.rollback()
            raise
    finally:
        if guard is not None:
            WATCHDOG.release(guard)
        raw.close()


def check(engine: Engine, dialect: Dialect, create: Callable[[Engine], None]) -> None:
    """Create missing tables and make sure the database takes writes; else raise
    DatabaseUnavailable with one line that names DATABASE_URL and the cause."""
    try:
        create(engine)
        with transaction(engine, dialect) as cursor:
            cursor.execute("SELECT 1")
            if dialect.name == "sqlite":  # BEGIN IMMEDIATE passed: writable; prove it
                cursor.execute("PRAGMA user_version = 0")
    except Exception as exc:
        engine.dispose()
        path = Path(engine.url.database or "") if dialect.name == "sqlite" else None
        if path and path.exists() and not os.access(path, os.W_OK):
            raise DatabaseUnavailable(
                f"DATABASE_URL: the SQLite file {path} is read-only"
            ) from None
        raise DatabaseUnavailable(f"DATABASE_URL: {describe(exc)}") from None


def describe(exc: BaseException) -> str:
    """A database error as one plain line."""
    cause = getattr(exc, "orig", None) or exc
    text = " ".join(str(cause).split()) or type(cause).__name__
    text = text.removeprefix("connection failed: ")
    hints = {
        "unable to open database file": "cannot open the SQLite file (missing folder, no "
        "permission, or a folder in its place)",
        "file is not a database": "the file is not an SQLite database",
        "readonly database": "the SQLite file is read-only",
    }
    for needle, hint in hints.items():
        if needle in text:
            return hint
    return text[:300]


def open_engine(url: str) -> Engine:
    """An engine for ``url`` with bounded waits; a broken connection is never reused."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            path = Path(parsed.database)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnavailable(
                    f"DATABASE_URL: cannot create the folder {path.parent}: {exc.strerror}"
                ) from None
            if path.is_dir():
                raise DatabaseUnavailable(f"DATABASE_URL: {path} is a folder, not a file")
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False},
            pool_pre_ping=True,
            pool_timeout=10,
            hide_parameters=True,  # errors never carry personal data into a log
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
    # No pre-ping: a broken connection fails its transaction, is invalidated (see
    # ``transaction``), and the inbox retries the update on a fresh one.
    return create_engine(
        parsed,
        connect_args=connect_args,
        pool_timeout=10,
        pool_size=8,
        max_overflow=8,
        hide_parameters=True,  # errors never carry personal data into a log
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
        # Deleted rows are overwritten with zeros, not left in free space (see scrub.py).
        cursor.execute("PRAGMA secure_delete=ON")
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
