"""The durable inbox: every update is stored before it is acknowledged, then processed once.

An update is stored with its person and raw content. Processing it marks it processed in
the same transaction as the step it causes (``mark``), and drops the content: afterwards only
the id remains, so a re-delivered update is recognised. A person's updates are processed in
update id order, also by several processes (``mark`` refuses to skip an older one).

Telegram numbers updates per bot, so an update is identified by (bot, update id): several
bots can share one database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy.engine import Engine

from bot.store.database import Dialect, transaction
from bot.store.group_commit import Alone, GroupCommit
from bot.store.row_writer import ROWS_MAX, RowWriter, execute_rows

log = logging.getLogger(__name__)

# Set by a caller that wants to know which updates its steps marked processed (the inbox
# worker: an update no step marked is marked afterwards, in one more transaction).
MARKED: ContextVar[set[int] | None] = ContextVar("inbox_marked", default=None)

# Telegram re-delivers an unconfirmed update for up to a day; keep ids twice as long.
UPDATE_ID_RETENTION_S = 48 * 3600


class Duplicate(Exception):
    """The update was processed before; the transaction is rolled back."""


class OutOfOrder(Exception):
    """An older update of the same person is still unprocessed; process that one first."""


@dataclass(frozen=True)
class Pending:
    """An unprocessed update."""

    update_id: int
    payload: str | None
    attempts: int
    person: str | None = None


_ADD = (
    "INSERT INTO inbox (bot, update_id, person, payload, attempts, received_at) "
    "VALUES {rows} ON CONFLICT (bot, update_id) DO NOTHING RETURNING update_id"
)
_OLDER = (
    "SELECT update_id FROM inbox WHERE bot = ? AND person = ? AND processed_at IS NULL "
    "AND update_id < ? LIMIT 1"
)
# An update handled without passing through the inbox (tests, embedders) is recorded too.
_MARK_ROWS = (
    "INSERT INTO inbox (bot, update_id, attempts, received_at, processed_at) "
    "VALUES {rows} ON CONFLICT (bot, update_id) DO UPDATE SET "
    "processed_at = excluded.processed_at, payload = NULL, person = NULL, not_before = NULL "
    "WHERE inbox.processed_at IS NULL"
)
_MARK = _MARK_ROWS.replace("{rows}", "(?, ?, ?, ?, ?)")
# Skips an update whose person has an older one waiting for a retry: it must go first.
# A scalar subquery, not NOT EXISTS: the anti-join PostgreSQL may pick instead scans every
# pending update for each one (a backlog of n costs n² row checks).
_DUE = (
    "SELECT i.update_id, i.payload, i.attempts, i.person FROM inbox i WHERE i.bot = ? "
    "AND i.processed_at IS NULL AND (i.not_before IS NULL OR i.not_before <= ?) "
    "AND (SELECT 1 FROM inbox o WHERE o.bot = i.bot AND o.person = i.person "
    "AND o.processed_at IS NULL AND o.update_id < i.update_id AND o.not_before > ? "
    "LIMIT 1) IS NULL ORDER BY i.update_id LIMIT ?"
)
_DUE_PEOPLE = (
    "SELECT i.person FROM inbox i WHERE i.bot = ? AND i.processed_at IS NULL AND i.update_id = "
    "(SELECT min(j.update_id) FROM inbox j WHERE j.bot = i.bot AND j.person = i.person "
    "AND j.processed_at IS NULL) "
    "AND (i.not_before IS NULL OR i.not_before <= ?) ORDER BY i.update_id LIMIT ?"
)
_NEXT = (
    "SELECT update_id, payload, attempts, person FROM inbox WHERE bot = ? AND person = ? "
    "AND processed_at IS NULL AND (not_before IS NULL OR not_before <= ?) "
    "ORDER BY update_id LIMIT 1"
)
_RETRY = (
    "UPDATE inbox SET attempts = attempts + 1, not_before = ? "
    "WHERE bot = ? AND update_id = ? AND processed_at IS NULL"
)
_COUNT = "SELECT count(*) FROM inbox WHERE bot = ? AND processed_at IS NULL"
_PURGE = "DELETE FROM inbox WHERE processed_at < ?"


def mark(cursor: Any, dialect: Dialect, bot: str, update_id: int, person: str | None) -> None:
    """Mark an update processed that no step handled; the caller locked the person. Raises
    Duplicate or OutOfOrder (then roll back)."""
    if person is not None:
        cursor.execute(dialect.sql(_OLDER), (bot, person, update_id))
        if cursor.fetchall():
            raise OutOfOrder(update_id)
    now = time.time()
    cursor.execute(dialect.sql(_MARK + " RETURNING update_id"), (bot, update_id, 0, now, now))
    if not cursor.fetchall():  # all: SQLite cannot commit while the INSERT is unfinished
        raise Duplicate(update_id)


def mark_processed(writer: RowWriter, bot: str, update_id: int) -> None:
    """Mark an update processed inside the step that handled it. The step holds the person's
    lock and found the update unprocessed: nobody else marks it meanwhile."""
    now = time.time()
    writer.add(_MARK_ROWS, (bot, update_id, 0, now, now), key=(bot, update_id))


def noted(update_id: int) -> None:
    """Tell a waiting caller (``MARKED``) that a step took care of ``update_id``."""
    box = MARKED.get()
    if box is not None:
        box.add(update_id)


def purge(cursor: Any, dialect: Dialect, now: float) -> int:
    """Delete ids of updates processed longer ago than the retention; return the count."""
    cursor.execute(dialect.sql(_PURGE), (now - UPDATE_ID_RETENTION_S,))
    return cursor.rowcount or 0


Row = tuple[int, str | None, str]  # update id, person, raw update


class Inbox:
    """Stored updates of one bot waiting to be processed."""

    def __init__(self, engine: Engine, dialect: Dialect, bot: str = ""):
        self.engine = engine
        self.dialect = dialect
        self.bot = bot
        self._adds = GroupCommit(self._add_each, key=itemgetter(0), alone=self._add_one)

    async def add_soon(self, update_id: int, person: str | None, payload: str) -> bool:
        """Store a received update; False if it was stored before. In place on an embedded
        database; on a database server, updates that arrive meanwhile share the transaction."""
        if self.dialect.embedded:
            return self._add_one((update_id, person, payload))
        return await self._adds.submit((update_id, person, payload))

    def _add_one(self, row: Row) -> bool:
        return not self.add([row])

    def _add_each(self, rows: list[Row]) -> list[bool | BaseException | Alone]:
        repeats = set(self.add(rows))  # a batch holds each update id once
        return [row[0] not in repeats for row in rows]

    def add(self, updates: Iterable[Row]) -> list[int]:
        """Store (update_id, person, raw update) rows in one transaction; return the ids of
        repeats, which are ignored."""
        now = time.time()
        rows = [
            (self.bot, update_id, person, payload, 0, now) for update_id, person, payload in updates
        ]
        added: set[int] = set()
        # In id order: two processes storing the same re-delivered updates never wait for
        # each other's rows in a circle.
        ordered = sorted(rows, key=lambda row: row[1])
        with transaction(self.engine, self.dialect) as cursor:
            for start in range(0, len(ordered), ROWS_MAX):  # one round trip per statement
                ran = execute_rows(cursor, self.dialect, _ADD, ordered[start : start + ROWS_MAX])
                added.update(update_id for (update_id,) in ran.fetchall())
        repeats = []
        for row in rows:  # an id twice in ``updates``: the second is a repeat
            if row[1] in added:
                added.discard(row[1])
            else:
                repeats.append(row[1])
        return repeats

    def due(self, limit: int = 256) -> list[Pending]:
        """The oldest due unprocessed updates (with their person), in update id order."""
        with transaction(self.engine, self.dialect, pipeline=True, queue=True) as cursor:
            now = time.time()
            cursor.execute(self.dialect.sql(_DUE), (self.bot, now, now, limit))
            return [Pending(*row) for row in cursor.fetchall()]

    def due_people(self, limit: int = 64) -> list[str]:
        """People whose oldest unprocessed update is due, oldest first."""
        with transaction(self.engine, self.dialect) as cursor:
            cursor.execute(self.dialect.sql(_DUE_PEOPLE), (self.bot, time.time(), limit))
            return [row[0] for row in cursor.fetchall()]

    def next(self, person: str) -> Pending | None:
        """The person's oldest unprocessed update, if it is due."""
        with transaction(self.engine, self.dialect) as cursor:
            cursor.execute(self.dialect.sql(_NEXT), (self.bot, person, time.time()))
            row = cursor.fetchone()
        return None if row is None else Pending(*row)

    def retry_later(self, update_id: int, delay: float) -> None:
        """Count a failed attempt and wait ``delay`` seconds before the next."""
        with transaction(self.engine, self.dialect) as cursor:
            cursor.execute(self.dialect.sql(_RETRY), (time.time() + delay, self.bot, update_id))

    def unprocessed(self) -> int:
        """How many updates of this bot wait to be processed."""
        with transaction(self.engine, self.dialect) as cursor:
            cursor.execute(self.dialect.sql(_COUNT), (self.bot,))
            return int(cursor.fetchone()[0])
