"""Durable sessions: one transaction per update — mark it processed, step, save, enqueue.

Every update is one short synchronous transaction on the pooled DBAPI connection (SQLAlchemy
owns the engine, pool and schema): mark the update processed in the inbox, lock and load the
person's session, step, save, and write the reply to the outbox. Async callers run it in a
worker thread, or in place when the database is embedded (``SessionStore.embedded``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.engine import make_url

from bot.engine import Session
from bot.privacy.redaction import opaque
from bot.store import inbox as inbox_sql
from bot.store import migrate
from bot.store import outbox as outbox_sql
from bot.store.checkins import CheckinBook, PersonCheckins
from bot.store.database import Dialect, check, dialect_of, open_engine, transaction
from bot.store.inbox import Duplicate, Inbox, OutOfOrder
from bot.store.outbox import LastPrompt, Outbox
from bot.store.schema import sessions
from bot.store.scrub import scrub

log = logging.getLogger(__name__)

R = TypeVar("R")

_UPSERT = (
    "INSERT INTO sessions (person, flow_id, state, data, row_version, updated_at) "
    "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (person) DO UPDATE SET "
    "flow_id = excluded.flow_id, state = excluded.state, data = excluded.data, "
    "row_version = sessions.row_version + 1, updated_at = excluded.updated_at"
)
_LOAD = "SELECT data FROM sessions WHERE person = ?"
# Keys of the form telegram:<chat id> (one colon) become telegram:<bot id>:<chat id>.
_LEGACY = "person LIKE ? AND person NOT LIKE ?"
_LEGACY_PATTERNS = ("telegram:%", "telegram:%:%")
_ADOPT = tuple(
    f"UPDATE {table} SET person = ? || substr(person, 10) WHERE {_LEGACY}"
    for table in ("sessions", "prompts", "outbox", "inbox", "checkins")
)
_ADOPT_IDS = (
    "UPDATE outbox SET bot = ? WHERE bot = ''",
    "UPDATE inbox SET bot = ? WHERE bot = '' AND NOT EXISTS "
    "(SELECT 1 FROM inbox i WHERE i.bot = ? AND i.update_id = inbox.update_id)",
)
_ERASE = "DELETE FROM sessions WHERE person = ? RETURNING person"


@dataclass(frozen=True)
class TxResult(Generic[R]):
    """What a transaction returned; ``duplicate`` when the update was seen before."""

    result: R | None
    duplicate: bool = False
    out_of_order: bool = False


class Tx:
    """What a step may do besides changing the session, inside its transaction."""

    def __init__(self, cursor: Any, dialect: Dialect, person: str, bot: str = ""):
        self._cursor = cursor
        self._dialect = dialect
        self.person = person
        self.bot = bot
        self.erased = False
        self.checkins = PersonCheckins(cursor, dialect, person)

    def last_prompt(self) -> LastPrompt | None:
        """The question last sent to the person (with its message id once delivered)."""
        return outbox_sql.last_prompt(self._cursor, self._dialect, self.person)

    def send(self, payload: str, question_id: str | None = None) -> None:
        """Deliver ``payload`` after commit; ``question_id`` marks a question being asked."""
        outbox_sql.enqueue(self._cursor, self._dialect, self.bot, self.person, payload, question_id)

    def resend_prompt(self) -> bool:
        """Send the last question again unless it is still waiting; False if there is none."""
        last = self.last_prompt()
        if last is None:
            return False
        if not last.pending:
            self.send(last.payload, last.question_id)
        return True

    def execute(self, statement: str, *rows: tuple[Any, ...]) -> None:
        """One more statement in this transaction, once per row of parameters (``?``
        placeholders; datetimes stamped as the tables store them)."""
        stamp = self._dialect.stamp
        stamped = [tuple(stamp(p) if isinstance(p, datetime) else p for p in r) for r in rows]
        if len(stamped) == 1:
            self._cursor.execute(self._dialect.sql(statement), stamped[0])
        elif stamped:
            self._cursor.executemany(self._dialect.sql(statement), stamped)

    def erase(self) -> bool:
        """Delete the session, check-ins, undelivered messages and last question; True if a
        session was."""
        self._cursor.execute(self._dialect.sql(_ERASE), (self.person,))
        existed = self._cursor.fetchone() is not None
        outbox_sql.forget(self._cursor, self._dialect, self.person)
        self.checkins.cancel_all()
        self.erased = True
        return existed


Stepper = Callable[[Session | None, Tx], tuple[Session | None, R]]


class SessionStore:
    """Load-step-save transactions over one database, with its inbox and outbox."""

    def __init__(self, url: str, *, session_ttl: timedelta = timedelta(days=30), bot: str = ""):
        """``bot`` scopes the inbox and outbox: several bots may share one database (their
        people's keys must differ too, e.g. ``telegram:<bot id>:<chat id>``)."""
        self.url = make_url(url)
        self.bot = bot
        self.session_ttl = session_ttl
        self.engine = open_engine(url)
        self.dialect = dialect_of(self.engine)
        # An embedded database answers a transaction faster than a thread hand-off costs
        # (~90 µs against ~300 µs, see bench/): async callers may run it in place.
        self.embedded = self.dialect.name == "sqlite"
        check(self.engine, self.dialect, migrate.upgrade)
        self.inbox = Inbox(self.engine, self.dialect, bot)
        self.outbox = Outbox(self.engine, self.dialect, bot)
        self.checkins = CheckinBook(self.engine, self.dialect)
        self.scrub_due = False  # something was erased and may linger (WAL, dead tuples)
        if bot:
            self.adopt_legacy()

    def adopt_legacy(self) -> int:
        """Give rows from before several bots could share the database (``telegram:<chat>``)
        to this bot: its people continue where they were. Return how many sessions."""
        prefix = f"telegram:{self.bot}:"
        adopted = 0
        with transaction(self.engine, self.dialect) as cursor:
            for statement in _ADOPT:
                cursor.execute(self.dialect.sql(statement), (prefix, *_LEGACY_PATTERNS))
                if statement.startswith("UPDATE sessions"):
                    adopted = cursor.rowcount or 0
            for statement in _ADOPT_IDS:
                cursor.execute(self.dialect.sql(statement), (self.bot,) * statement.count("?"))
        if adopted:
            log.info(
                "adopted %s sessions from before several bots could share the database", adopted
            )
        return adopted

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
        """Run ``stepper`` on the person's session in one transaction and save what it returns.

        With ``update_id`` the update is marked processed in the inbox: one seen before
        changes nothing and returns a duplicate; one with an older unprocessed update of the
        same person changes nothing and returns ``out_of_order``. The person is locked first
        (PostgreSQL: a transaction-scoped advisory lock on the person's key, which exists
        before their first session row does; SQLite: the whole database), so steps of one
        person never interleave, not even a brand-new person's first two.
        """
        sql = self.dialect.sql
        try:
            with transaction(self.engine, self.dialect, pipeline=True) as cursor:
                if self.dialect.lock_person:
                    cursor.execute(sql(self.dialect.lock_person), (person,))
                marked = None
                if update_id is not None:
                    marked = inbox_sql.mark(cursor, self.dialect, self.bot, update_id, person)
                load = cursor.connection.cursor()
                load.execute(sql(_LOAD), (person,))
                if marked is not None:
                    marked()
                row = load.fetchone()
                current = _parse(row[0], person) if row else None
                tx = Tx(cursor, self.dialect, person, self.bot)
                new, result = stepper(current, tx)
                if not tx.erased and new is not None and new is not current:
                    values = (new.flow_id, new.state, new.model_dump_json())
                    stamp = self.dialect.stamp(new.updated_at)
                    cursor.execute(sql(_UPSERT), (person, *values, stamp))
        except Duplicate:
            inbox_sql.noted(update_id)  # type: ignore[arg-type]
            return TxResult(None, duplicate=True)
        except OutOfOrder:
            return TxResult(None, out_of_order=True)
        if tx.erased:
            self._after_erasure()
        if update_id is not None:
            inbox_sql.noted(update_id)
        return TxResult(result)

    def _after_erasure(self) -> None:
        """SQLite: truncate the WAL now (milliseconds). PostgreSQL: VACUUM FULL on the next
        scrub job, so concurrent erasures do not queue behind one another's VACUUM."""
        if self.embedded:
            try:
                self.scrub()
            except Exception as exc:  # erased and committed; the periodic scrub retries
                log.warning("erasure: could not checkpoint the WAL yet: %s", exc)
        self.scrub_due = True  # again once replies queued with the erasure have gone out

    def scrub(self, *, only_if_due: bool = False) -> bool:
        """Remove what erased rows left behind: SQLite's WAL; PostgreSQL's dead tuples
        (VACUUM FULL after an erasure, else a plain VACUUM). False when nothing was done
        or SQLite readers kept the WAL for now."""
        due = self.scrub_due
        if only_if_due and not due:
            return False
        self.scrub_due = False
        try:
            done = scrub(self.engine, self.dialect, full=due)
        except Exception:
            self.scrub_due = True
            raise
        self.scrub_due = self.scrub_due or (due and not done)
        return done

    def erase(self, person: str, *, update_id: int | None = None) -> TxResult[bool]:
        """Delete everything stored about the person; the result says whether there was any."""
        return self.transact(person, lambda _session, tx: (None, tx.erase()), update_id=update_id)

    def claim(self, update_id: int, person: str | None = None) -> bool:
        """Record an update that changes no session; False when it was seen before."""
        try:
            with transaction(self.engine, self.dialect, pipeline=True) as cursor:
                inbox_sql.mark(cursor, self.dialect, self.bot, update_id, person)()
        except (Duplicate, OutOfOrder):
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
            expired = [row[0] for row in old]
        with transaction(self.engine, self.dialect) as cursor:
            for person in expired:
                outbox_sql.forget(cursor, self.dialect, person)
            self.checkins.purge_orphans(cursor)  # check-ins go with their session
            ids = inbox_sql.purge(cursor, self.dialect, time.time())
        self.scrub_due = self.scrub_due or bool(expired)
        return len(expired), ids


def _parse(data: str | None, person: str) -> Session | None:
    if data is None:
        return None
    try:
        return Session.model_validate_json(data)
    except ValueError:
        log.warning("discarding an unreadable session row for %s", opaque(person))
        return None
