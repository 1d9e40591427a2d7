"""Scheduled follow-up check-ins: written in a step's transaction, claimed once when due.

A due check-in fires in one transaction with its step and reply: the person's session is
locked first (the same order as an erasure), then the check-in row is deleted; only the
process whose DELETE removed the row goes on. So a check-in fires exactly once, also with
several processes, and after a restart or crash (an uncommitted claim leaves the row).
Erasing a person deletes their check-ins in the erasure's transaction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine

from bot.store.database import Dialect, transaction

# A person has at most this many scheduled check-ins; scheduling more drops the earliest made.
MAX_PER_PERSON = 3


@dataclass(frozen=True)
class Scheduled:
    """A scheduled check-in."""

    id: int
    flow_id: str
    due_at: datetime


_SCHEDULE = "INSERT INTO checkins (person, flow_id, due_at, created_at) VALUES (?, ?, ?, ?)"
_TRIM = (
    "DELETE FROM checkins WHERE person = ? AND id NOT IN ("
    "SELECT id FROM checkins WHERE person = ? ORDER BY id DESC LIMIT ?)"
)
_CLAIM = "DELETE FROM checkins WHERE id = ? AND person = ? AND due_at <= ? RETURNING flow_id"
_CANCEL = "DELETE FROM checkins WHERE id = ? AND person = ? RETURNING id"
_FORGET = "DELETE FROM checkins WHERE person = ?"
_OF = "SELECT id, flow_id, due_at FROM checkins WHERE person = ? ORDER BY due_at, id"
_DUE = (
    "SELECT id, person FROM checkins WHERE due_at <= ? AND person LIKE ? "
    "ORDER BY due_at, id LIMIT ?"
)
_ORPHANS = "DELETE FROM checkins WHERE person NOT IN (SELECT person FROM sessions)"


def _stamp(moment: datetime) -> float:
    return moment.timestamp()


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class PersonCheckins:
    """One person's check-ins inside a step's transaction (``Tx.checkins``)."""

    def __init__(self, cursor: Any, dialect: Dialect, person: str):
        self._cursor = cursor
        self._sql = dialect.sql
        self.person = person

    def schedule(self, flow_id: str, due: datetime) -> None:
        """Schedule a check-in at ``due``."""
        row = (self.person, flow_id, _stamp(due), time.time())
        self._cursor.execute(self._sql(_SCHEDULE), row)
        self._cursor.execute(self._sql(_TRIM), (self.person, self.person, MAX_PER_PERSON))

    def claim(self, checkin_id: int, now: datetime) -> bool:
        """Take a due check-in (deleting it); False if it is gone, not this person's or not due."""
        self._cursor.execute(self._sql(_CLAIM), (checkin_id, self.person, _stamp(now)))
        return self._cursor.fetchone() is not None

    def cancel(self, checkin_id: int) -> bool:
        """Cancel one of the person's check-ins; False if there is no such one (any more)."""
        self._cursor.execute(self._sql(_CANCEL), (checkin_id, self.person))
        return self._cursor.fetchone() is not None

    def cancel_all(self) -> None:
        """Cancel every scheduled check-in of the person (erasure, a closed episode)."""
        self._cursor.execute(self._sql(_FORGET), (self.person,))

    def scheduled(self) -> list[Scheduled]:
        """The person's scheduled check-ins, soonest first."""
        self._cursor.execute(self._sql(_OF), (self.person,))
        return [Scheduled(int(i), f, _moment(d)) for i, f, d in self._cursor.fetchall()]


class CheckinBook:
    """Check-ins outside a step: what is due, a person's list, retention."""

    def __init__(self, engine: Engine, dialect: Dialect):
        self.engine = engine
        self.dialect = dialect

    def due(self, now: datetime, limit: int, prefix: str) -> list[tuple[int, str]]:
        """(check-in id, person) of up to ``limit`` due check-ins of people whose key starts
        with ``prefix`` (a channel's, such as "telegram:"), the longest due first."""
        pattern = prefix + "%"  # a channel prefix from code, never user input
        with transaction(self.engine, self.dialect) as cursor:
            cursor.execute(self.dialect.sql(_DUE), (_stamp(now), pattern, limit))
            return [(int(i), str(p)) for i, p in cursor.fetchall()]

    def of_person(self, person: str) -> list[Scheduled]:
        """The person's scheduled check-ins, soonest first."""
        with transaction(self.engine, self.dialect) as cursor:
            return PersonCheckins(cursor, self.dialect, person).scheduled()

    def purge_orphans(self, cursor: Any) -> int:
        """Delete check-ins whose person has no session any more (retention)."""
        cursor.execute(_ORPHANS)
        return cursor.rowcount or 0
