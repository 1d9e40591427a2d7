"""Durable sessions: one transaction per update — lock, load, step, save, enqueue, mark.

Every update is one short synchronous transaction on the pooled DBAPI connection (SQLAlchemy
owns the engine, pool and schema): lock the person, read their session and whether the
update was processed before, step, save, write the reply to the outbox and mark the update
processed in the inbox. Async callers (``run_soon``) run it in place when the database is
embedded (``SessionStore.embedded``); on PostgreSQL, the steps of people who write at the
same time share one transaction in a worker thread (``group_commit.py``, ``batch_steps.py``).
"""

from __future__ import annotations

import logging
import time
from contextvars import copy_context
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from operator import attrgetter
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.engine import make_url

from bot.engine import Session
from bot.privacy.redaction import opaque
from bot.store import inbox as inbox_sql
from bot.store import migrate
from bot.store import outbox as outbox_sql
from bot.store.batch_steps import run_alone, run_steps
from bot.store.checkins import CheckinBook
from bot.store.database import check, dialect_of, open_engine, transaction
from bot.store.group_commit import GroupCommit
from bot.store.inbox import Duplicate, Inbox, OutOfOrder
from bot.store.outbox import Outbox
from bot.store.row_writer import RowWriter
from bot.store.schema import sessions
from bot.store.scrub import scrub
from bot.store.tx import Tx
from bot.store.work import Stepper, TxResult, Work

log = logging.getLogger(__name__)

R = TypeVar("R")

_UPSERT = (
    "INSERT INTO sessions (person, flow_id, state, data, row_version, updated_at) "
    "VALUES {rows} ON CONFLICT (person) DO UPDATE SET "
    "flow_id = excluded.flow_id, state = excluded.state, data = excluded.data, "
    "row_version = sessions.row_version + 1, updated_at = excluded.updated_at"
)
# What a step reads first: the session, whether its update was processed before, and whether
# an older update of the person still waits (then this one must wait). Several people's
# steps read theirs in one statement (PostgreSQL), or one by one.
_READ = (
    "SELECT (SELECT data FROM sessions WHERE person = ?), "
    "EXISTS (SELECT 1 FROM inbox WHERE bot = ? AND update_id = ? AND processed_at IS NOT NULL), "
    "EXISTS (SELECT 1 FROM inbox WHERE bot = ? AND person = ? AND processed_at IS NULL "
    "AND update_id < ?)"
)
# Scalar subqueries, not EXISTS: PostgreSQL may run an EXISTS as one hashed scan of every
# processed update id of the bot (48 hours of them) for each batch, instead of a lookup per row.
_READ_MANY = (
    "SELECT (SELECT data FROM sessions WHERE person = w.person), "
    "coalesce((SELECT processed_at IS NOT NULL FROM inbox WHERE bot = %(bot)s "
    "AND update_id = w.update_id), false), "
    "(SELECT true FROM inbox WHERE bot = %(bot)s AND person = w.person "
    "AND processed_at IS NULL AND update_id < w.update_id LIMIT 1) IS NOT NULL "
    "FROM unnest(%(people)s::text[], %(updates)s::bigint[]) WITH ORDINALITY "
    "AS w(person, update_id, n) ORDER BY w.n"
)
Reading = tuple[str | None, bool, bool]  # session data, update done before, older waits
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
        self.embedded = self.dialect.embedded  # async callers may run it in place
        check(self.engine, self.dialect, migrate.upgrade)
        self.inbox = Inbox(self.engine, self.dialect, bot)
        self.outbox = Outbox(self.engine, self.dialect, bot)
        self.checkins = CheckinBook(self.engine, self.dialect)
        self.scrub_due = False  # something was erased and may linger (WAL, dead tuples)
        self._steps = GroupCommit(
            partial(run_steps, self), key=attrgetter("person"), alone=partial(run_alone, self)
        )
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
        return self.run(Work(person, stepper, update_id))

    def run(self, work: Work[R]) -> TxResult[R]:
        """``transact`` for a prepared piece of work (blocking)."""
        try:
            with transaction(self.engine, self.dialect, pipeline=True) as cursor:
                if self.dialect.lock_person:
                    cursor.execute(self.dialect.sql(self.dialect.lock_person), (work.person,))
                writer = RowWriter(cursor, self.dialect)
                (reading,) = self.read(cursor, [work])
                tx, result = self.step_in(cursor, writer, work, reading)
                writer.flush()
        except (Duplicate, OutOfOrder) as skipped:
            return self.skipped(work, skipped)
        return self.committed(work, tx, result)

    async def run_soon(self, work: Work[R]) -> TxResult[R]:
        """``run`` for async callers: in place on an embedded database; on a database server
        in a worker thread, in one transaction with the work of other people that arrives
        meanwhile (group commit: one commit and one thread hand-off for many steps)."""
        if self.embedded:
            return self.run(work)
        return await self._steps.submit(replace(work, context=copy_context()))

    def read(self, cursor: Any, works: list[Work[Any]]) -> list[Reading]:
        """What each work's step reads first, in one round trip (the caller locked the
        people; in a pipeline, statements queued before go out with it)."""
        if self.dialect.name == "postgresql":
            people = [work.person for work in works]
            updates = [work.update_id for work in works]
            cursor.execute(_READ_MANY, {"bot": self.bot, "people": people, "updates": updates})
            return cursor.fetchall()
        readings = []
        for work in works:
            params = (work.person, self.bot, work.update_id, self.bot, work.person, work.update_id)
            cursor.execute(self.dialect.sql(_READ), params)
            readings.append(cursor.fetchone())
        return readings

    def step_in(
        self, cursor: Any, writer: RowWriter, work: Work[R], reading: Reading
    ) -> tuple[Tx, R]:
        """Step and save inside an open transaction, given what ``read`` found; the update's
        mark and the saved session go to ``writer``. Raises Duplicate or OutOfOrder before
        writing anything."""
        data, done, older = reading
        if done:
            raise Duplicate(work.update_id)
        if older:
            raise OutOfOrder(work.update_id)
        current = _parse(data, work.person)
        tx = Tx(cursor, self.dialect, work.person, self.bot, writer)
        new, result = work.stepper(current, tx)
        if work.update_id is not None:
            inbox_sql.mark_processed(writer, self.bot, work.update_id)
        if not tx.erased and new is not None and new is not current:
            row = (work.person, new.flow_id, new.state, new.model_dump_json(), 1, new.updated_at)
            writer.add(_UPSERT, row, key=work.person)
        return tx, result

    def committed(self, work: Work[R], tx: Tx, result: R) -> TxResult[R]:
        """What follows the commit of a step: scrub after an erasure, tell the inbox worker."""
        if tx.erased:
            self._after_erasure()
        if work.update_id is not None:
            inbox_sql.noted(work.update_id)
        return TxResult(result)

    def skipped(self, work: Work[R], reason: Duplicate | OutOfOrder) -> TxResult[R]:
        """The result of work whose update was processed before or waits behind an older
        one of the same person (nothing was written)."""
        if isinstance(reason, OutOfOrder):
            return TxResult(None, out_of_order=True)
        inbox_sql.noted(work.update_id)  # type: ignore[arg-type]
        return TxResult(None, duplicate=True)

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
        """Record an update that changes no session; False when it was seen before. Raises
        OutOfOrder while an older update of the person waits: that one goes first."""
        try:
            with transaction(self.engine, self.dialect, pipeline=True) as cursor:
                if person is not None and self.dialect.lock_person:  # as a step would
                    cursor.execute(self.dialect.sql(self.dialect.lock_person), (person,))
                inbox_sql.mark(cursor, self.dialect, self.bot, update_id, person)
        except Duplicate:
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
