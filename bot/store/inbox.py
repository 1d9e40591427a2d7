"""The durable inbox: every update is stored before it is acknowledged, then processed once.

An update is stored with its person and raw content. Processing it marks it processed in
the same transaction as the step it causes (``mark``), and drops the content: afterwards only
the id remains, so a re-delivered update is recognised. A person's updates are processed in
update id order, also by several processes (``mark`` refuses to skip an older one).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from bot.store.database import Dialect, transaction

log = logging.getLogger(__name__)

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


_ADD = (
    "INSERT INTO inbox (update_id, person, payload, attempts, received_at) "
    "VALUES (?, ?, ?, 0, ?) ON CONFLICT (update_id) DO NOTHING RETURNING update_id"
)
_OLDER = (
    "SELECT update_id FROM inbox WHERE person = ? AND processed_at IS NULL AND update_id < ? "
    "LIMIT 1"
)
# An update handled without passing through the inbox (tests, embedders) is recorded too.
_MARK = (
    "INSERT INTO inbox (update_id, attempts, received_at, processed_at) VALUES (?, 0, ?, ?) "
    "ON CONFLICT (update_id) DO UPDATE SET processed_at = excluded.processed_at, "
    "payload = NULL, person = NULL, not_before = NULL WHERE inbox.processed_at IS NULL "
    "RETURNING update_id"
)
_DUE_PEOPLE = (
    "SELECT i.person FROM inbox i WHERE i.processed_at IS NULL AND i.update_id = "
    "(SELECT min(j.update_id) FROM inbox j WHERE j.person = i.person AND j.processed_at IS NULL) "
    "AND (i.not_before IS NULL OR i.not_before <= ?) ORDER BY i.update_id LIMIT ?"
)
_NEXT = (
    "SELECT update_id, payload, attempts FROM inbox WHERE person = ? AND processed_at IS NULL "
    "AND (not_before IS NULL OR not_before <= ?) ORDER BY update_id LIMIT 1"
)
_RETRY = (
    "UPDATE inbox SET attempts = attempts + 1, not_before = ? "
    "WHERE update_id = ? AND processed_at IS NULL"
)
_COUNT = "SELECT count(*) FROM inbox WHERE processed_at IS NULL"
_PURGE = "DELETE FROM inbox WHERE processed_at < ?"


def mark(cursor: Any, dialect: Dialect, update_id: int, person: str | None) -> None:
    """Mark an update processed inside a step's transaction (raises Duplicate, OutOfOrder)."""
    if person is not None:
        cursor.execute(dialect.sql(_OLDER), (person, update_id))
        if cursor.fetchone() is not None:
            raise OutOfOrder(update_id)
    now = time.time()
    cursor.execute(dialect.sql(_MARK), (update_id, now, now))
    if cursor.fetchone() is None:
        raise Duplicate(update_id)


def purge(cursor: Any, dialect: Dialect, now: float) -> int:
    """Delete ids of updates processed longer ago than the retention; return the count."""
    cursor.execute(dialect.sql(_PURGE), (now - UPDATE_ID_RETENTION_S,))
    return cursor.rowcount or 0


class Inbox:
    """Stored updates waiting to be processed."""

    def __init__(self, engine: Engine, dialect: Dialect):
        self.engine = engine
        self.dialect = dialect

    def add(self, updates: Iterable[tuple[int, str | None, str]]) -> list[int]:
        """Store (update_id, person, raw update) rows in one transaction; return the ids of
        repeats, which are ignored."""
        now = time.time()
        repeats = []
        with transaction(self.engine, self.dialect) as cursor:
            for update_id, person, payload in updates:
                cursor.execute(self.dialect.sql(_ADD), (update_id, person, payload, now))
                if cursor.fetchone() is None:
                    repeats.append(update_id)
        return repeats

    def due_people(self, limit: int = 64) -> list[str]:
        """People whose oldest unprocessed update is due, oldest first."""
        with transaction(self.engine, self.dialect) as cursor:
            cursor.execute(self.dialect.sql(_DUE_PEOPLE), (time.time(), limit))
            return [row[0] for row in cursor.fetchall()]

    def next(self, person: str) -> Pending | None:
        """The person's oldest unprocessed update, if it is due."""
        with transaction(self.engine, self.dialect) as cursor:
            cursor.execute(self.dialect.sql(_NEXT), (person, time.time()))
            row = cursor.fetchone()
        return None if row is None else Pending(row[0], row[1], row[2])

    def retry_later(self, update_id: int, delay: float) -> None:
        """Count a failed attempt and wait ``delay`` seconds before the next."""
        with transaction(self.engine, self.dialect) as cursor:
            cursor.execute(self.dialect.sql(_RETRY), (time.time() + delay, update_id))

    def unprocessed(self) -> int:
        """How many updates wait to be processed."""
        with transaction(self.engine, self.dialect) as cursor:
            cursor.execute(_COUNT)
            return int(cursor.fetchone()[0])
