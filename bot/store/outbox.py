"""The durable outbox: replies are written in the step's transaction and delivered afterwards.

A relay claims the oldest undelivered message of each person (a lease, so several processes
never send the same message at once), sends it, then deletes it. A crash between sending and
deleting repeats that one message after a restart; nothing is lost.

The ``prompts`` table remembers the question last sent to each person and, once delivered,
its message id: a typed answer may only apply to a question the person has seen.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from bot.store.database import Dialect, transaction

log = logging.getLogger(__name__)

LEASE_S = 30.0


@dataclass(frozen=True)
class Outgoing:
    """A claimed message to deliver."""

    id: int
    person: str
    payload: str
    question_id: str | None
    attempts: int


@dataclass(frozen=True)
class LastPrompt:
    """The question last sent to a person; ``message_id`` is None until it was delivered."""

    question_id: str
    message_id: int | None
    payload: str
    pending: bool  # still waiting in the outbox


_ENQUEUE = (
    "INSERT INTO outbox (person, payload, question_id, created_at, attempts) "
    "VALUES (?, ?, ?, ?, 0) RETURNING id"
)
_SET_PROMPT = (
    "INSERT INTO prompts (person, question_id, outbox_id, message_id, payload) "
    "VALUES (?, ?, ?, NULL, ?) ON CONFLICT (person) DO UPDATE SET "
    "question_id = excluded.question_id, outbox_id = excluded.outbox_id, message_id = NULL, "
    "payload = excluded.payload"
)
_LAST_PROMPT = (
    "SELECT p.question_id, p.message_id, p.payload, "
    "EXISTS (SELECT 1 FROM outbox o WHERE o.id = p.outbox_id) FROM prompts p WHERE p.person = ?"
)
_FORGET = ("DELETE FROM outbox WHERE person = ?", "DELETE FROM prompts WHERE person = ?")
_CLAIM = (
    "UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id IN ("
    "SELECT o.id FROM outbox o WHERE o.id IN (SELECT min(id) FROM outbox GROUP BY person) "
    "AND (o.lease_until IS NULL OR o.lease_until < ?) "
    "AND (o.not_before IS NULL OR o.not_before <= ?) ORDER BY o.id LIMIT ?) "
    "AND (lease_until IS NULL OR lease_until < ?) "
    "RETURNING id, person, payload, question_id, attempts"
)
_DELIVERED = (
    "DELETE FROM outbox WHERE id = ?",
    "UPDATE prompts SET message_id = ? WHERE outbox_id = ?",
)
_RETRY = (
    "UPDATE outbox SET lease_owner = NULL, lease_until = NULL, not_before = ?, "
    "attempts = attempts + 1 WHERE id = ?"
)
_OWNERS = "SELECT DISTINCT lease_owner FROM outbox WHERE lease_owner IS NOT NULL"
_RELEASE = "UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?"
_COUNT = "SELECT count(*) FROM outbox"


def enqueue(
    cursor: Any, dialect: Dialect, person: str, payload: str, question_id: str | None = None
) -> int:
    """Add a message inside the current transaction; a question also becomes the last prompt."""
    cursor.execute(dialect.sql(_ENQUEUE), (person, payload, question_id, time.time()))
    outbox_id = int(cursor.fetchone()[0])
    if question_id is not None:
        cursor.execute(dialect.sql(_SET_PROMPT), (person, question_id, outbox_id, payload))
    return outbox_id


def last_prompt(cursor: Any, dialect: Dialect, person: str) -> LastPrompt | None:
    """The question last sent (or being sent) to the person."""
    cursor.execute(dialect.sql(_LAST_PROMPT), (person,))
    row = cursor.fetchone()
    return None if row is None else LastPrompt(row[0], row[1], row[2], bool(row[3]))


def forget(cursor: Any, dialect: Dialect, person: str) -> None:
    """Delete the person's undelivered messages and last question."""
    for statement in _FORGET:
        cursor.execute(dialect.sql(statement), (person,))


def _owner_alive(owner: str) -> bool:
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's process: wait for its lease to run out
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Outbox:
    """Delivery side of the outbox: claim, confirm, retry."""

    def __init__(self, engine: Engine, dialect: Dialect):
        self.engine = engine
        self.dialect = dialect
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def release_dead(self) -> int:
        """Free leases held by processes of this machine that no longer run."""
        released = 0
        with transaction(self.engine, self.dialect) as cursor:
            cursor.execute(_OWNERS)
            for (owner,) in cursor.fetchall():
                if owner != self.owner and not _owner_alive(owner):
                    cursor.execute(self.dialect.sql(_RELEASE), (owner,))
                    released += cursor.rowcount or 0
        return released

    def claim(self, limit: int = 32) -> list[Outgoing]:
        """Lease the oldest due message of up to ``limit`` people (one each, so order holds)."""
        now = time.time()
        with transaction(self.engine, self.dialect) as cursor:
            cursor.execute(
                self.dialect.sql(_CLAIM), (self.owner, now + LEASE_S, now, now, limit, now)
            )
            rows = cursor.fetchall()
        return sorted((Outgoing(*row) for row in rows), key=lambda o: o.id)

    def delivered(self, outgoing: Outgoing, message_id: int | None) -> None:
        """The message arrived: delete it, and remember the message id of a question."""
        with transaction(self.engine, self.dialect) as cursor:
            cursor.execute(self.dialect.sql(_DELIVERED[0]), (outgoing.id,))
            if outgoing.question_id is not None and message_id is not None:
                cursor.execute(self.dialect.sql(_DELIVERED[1]), (message_id, outgoing.id))

    def retry_later(self, outgoing: Outgoing, delay: float) -> None:
        """Release the message and try again in ``delay`` seconds."""
        with transaction(self.engine, self.dialect) as cursor:
            cursor.execute(self.dialect.sql(_RETRY), (time.time() + delay, outgoing.id))

    def undelivered(self) -> int:
        """How many messages wait to be delivered."""
        with transaction(self.engine, self.dialect) as cursor:
            cursor.execute(_COUNT)
            return int(cursor.fetchone()[0])
