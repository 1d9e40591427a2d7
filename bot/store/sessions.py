"""Durable sessions on SQLAlchemy: SQLite (WAL) by default, PostgreSQL to scale out.

Every update is one short synchronous transaction: mark the update id processed, lock and
load the person's session, step, save. Async callers run it in a worker thread, or in place
when the database is embedded (``SessionStore.embedded``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy import create_engine, delete, event, select
from sqlalchemy.engine import Engine, make_url

from bot.engine import Session
from bot.store.schema import metadata, processed_updates, sessions

log = logging.getLogger(__name__)

R = TypeVar("R")


class _Erase:
    """Returned by a stepper instead of a session: erase the person's session."""


ERASE = _Erase()
Stepper = Callable[[Session | None], tuple[Session | _Erase | None, R]]

# Telegram re-delivers an unconfirmed update for up to a day; keep ids twice as long.
UPDATE_ID_RETENTION = timedelta(hours=48)


@dataclass(frozen=True)
class TxResult(Generic[R]):
    """What a transaction returned; ``duplicate`` when the update was seen before."""

    result: R | None
    duplicate: bool = False


@dataclass(frozen=True)
class _Sql:
    """The SQL of the frequent statements for one dialect.

    They run on the pooled DBAPI connection (SQLAlchemy's ``raw_connection``): building and
    compiling statements through SQLAlchemy cost more than the database itself (see bench/).
    """

    begin: str | None
    mark: str
    load: str
    save: str
    erase: str
    stamp: Callable[[datetime], object]

    @classmethod
    def for_dialect(cls, param: str, begin: str | None, lock: str, stamp: Callable) -> _Sql:
        """The statements with ``param`` as the placeholder."""
        return cls(
            begin=begin,
            mark=_MARK.format(p=param),
            load=_LOAD.format(p=param) + lock,
            save=_UPSERT.format(p=param),
            erase=_ERASE.format(p=param),
            stamp=stamp,
        )


_UPSERT = (
    "INSERT INTO sessions (person, flow_id, state, data, row_version, updated_at) "
    "VALUES ({p}, {p}, {p}, {p}, 1, {p}) ON CONFLICT (person) DO UPDATE SET "
    "flow_id = excluded.flow_id, state = excluded.state, data = excluded.data, "
    "row_version = sessions.row_version + 1, updated_at = excluded.updated_at"
)
_MARK = (
    "INSERT INTO processed_updates (update_id, processed_at) VALUES ({p}, {p}) "
    "ON CONFLICT DO NOTHING RETURNING update_id"
)
_LOAD = "SELECT data FROM sessions WHERE person = {p}"
_ERASE = "DELETE FROM sessions WHERE person = {p} RETURNING person"


def _sqlite_time(moment: datetime) -> str:
    # The text form SQLAlchemy's SQLite DateTime type stores (UTC), so Core queries agree.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


_SQL = {
    # BEGIN IMMEDIATE takes the write lock up front: no deadlock upgrading a read lock.
    "sqlite": _Sql.for_dialect("?", "BEGIN IMMEDIATE", "", _sqlite_time),
    # FOR UPDATE locks the person's row until commit: one step at a time per person.
    "postgresql": _Sql.for_dialect("%s", None, " FOR UPDATE", lambda moment: moment),
}


class _Duplicate(Exception):
    """The update was processed before; the transaction is rolled back."""


class SessionStore:
    """Load-step-save transactions over one database."""

    def __init__(self, url: str, *, session_ttl: timedelta = timedelta(days=30)):
        self.url = make_url(url)
        self.session_ttl = session_ttl
        self.engine = _create_engine(url)
        self._sql = _SQL[self.engine.dialect.name]
        # An embedded database answers a transaction faster than a thread hand-off costs
        # (~90 µs against ~300 µs, see bench/): async callers may run it in place.
        self.embedded = self.engine.dialect.name == "sqlite"
        metadata.create_all(self.engine)

    def close(self) -> None:
        """Release all connections."""
        self.engine.dispose()

    def load(self, person: str) -> Session | None:
        """The person's session, or None."""
        with self.engine.connect() as conn:
            data = conn.execute(
                select(sessions.c.data).where(sessions.c.person == person)
            ).scalar_one_or_none()
        return _parse(data, person)

    def transact(
        self, person: str, stepper: Stepper[R], *, update_id: int | None = None
    ) -> TxResult[R]:
        """Run ``stepper`` on the person's session in one transaction and save what it returns
        (``ERASE`` deletes it).

        With ``update_id``, an update seen before changes nothing and returns a duplicate.
        The person's row is locked (PostgreSQL) or the database is (SQLite), so steps of one
        person never interleave, also across processes.
        """
        sql = self._sql
        try:
            with self._transaction(update_id) as cursor:
                cursor.execute(sql.load, (person,))
                row = cursor.fetchone()
                current = _parse(row[0], person) if row else None
                new, result = stepper(current)
                if isinstance(new, _Erase):
                    cursor.execute(sql.erase, (person,))
                    cursor.fetchall()
                elif new is not None and new is not current:
                    values = (new.flow_id, new.state, new.model_dump_json())
                    cursor.execute(sql.save, (person, *values, sql.stamp(new.updated_at)))
        except _Duplicate:
            return TxResult(None, duplicate=True)
        return TxResult(result)

    def erase(self, person: str, *, update_id: int | None = None) -> TxResult[bool]:
        """Delete everything stored about the person; the result says whether there was any."""
        try:
            with self._transaction(update_id) as cursor:
                cursor.execute(self._sql.erase, (person,))
                erased = cursor.fetchone() is not None
        except _Duplicate:
            return TxResult(None, duplicate=True)
        return TxResult(erased)

    def claim(self, update_id: int) -> bool:
        """Record an update that changes no session; False when it was seen before."""
        try:
            with self._transaction(update_id):
                pass
        except _Duplicate:
            return False
        return True

    def purge_expired(self, now: datetime) -> tuple[int, int]:
        """Delete sessions idle longer than the TTL and old update ids; return the counts."""
        now = now.astimezone(UTC)
        with self.engine.begin() as conn:
            old = conn.execute(
                delete(sessions)
                .where(sessions.c.updated_at < now - self.session_ttl)
                .returning(sessions.c.person)
            )
            ids = conn.execute(
                delete(processed_updates)
                .where(processed_updates.c.processed_at < now - UPDATE_ID_RETENTION)
                .returning(processed_updates.c.update_id)
            )
            return len(old.all()), len(ids.all())

    @contextmanager
    def _transaction(self, update_id: int | None) -> Iterator[Any]:
        """A DBAPI cursor in one transaction, first recording ``update_id`` if given.

        Commits on success; rolls back on any error, and raises _Duplicate for an update
        id recorded before.
        """
        sql = self._sql
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if sql.begin:
                cursor.execute(sql.begin)
            try:
                if update_id is not None:
                    cursor.execute(sql.mark, (update_id, sql.stamp(_utcnow())))
                    if cursor.fetchone() is None:
                        raise _Duplicate
                yield cursor
                raw.commit()
            except BaseException:
                raw.rollback()
                raise
        finally:
            raw.close()


def _parse(data: str | None, person: str) -> Session | None:
    if data is None:
        return None
    try:
        return Session.model_validate_json(data)
    except ValueError:
        log.warning("discarding an unreadable session row for %s", person)
        return None


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        _sqlite_tuning(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


def _sqlite_tuning(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # let BEGIN below start transactions
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a killed process; only an OS crash may lose the last commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        # Take the write lock up front so two processes never deadlock upgrading a read lock.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
