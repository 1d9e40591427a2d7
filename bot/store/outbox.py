"""The durable outbox: replies are written in the step's transaction and delivered afterwards.

A relay leases the queues of several people at once (whoever leases a person's oldest message
owns that person's queue, so several processes never send the same message or reorder one
person's), sends them in rounds of one message per person, and confirms each round in one
transaction. A crash between sending and confirming repeats at most one message per person
after a restart; nothing is lost.

The ``prompts`` table remembers the question last sent to each person and, once delivered,
its message id: a typed answer may only apply to a question the person has seen.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from bot.store.database import Dialect, transaction
from bot.store.row_writer import RowWriter

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
    "INSERT INTO outbox (bot, person, payload, question_id, created_at, attempts) VALUES {rows}"
)
# A person's last question is the newest outbox row of that question: the step holds the
# person's lock, and ids only grow (also along the rows of one INSERT). No id travels back to
# Python: a pipelined batch keeps going. (VALUES columns are column1... in both databases.)
_SET_PROMPT = (
    "INSERT INTO prompts (person, question_id, outbox_id, message_id, payload) "
    "SELECT v.column1, v.column2, (SELECT max(o.id) FROM outbox o "
    "WHERE o.person = v.column1 AND o.question_id = v.column2), NULL, v.column3 "
    "FROM (VALUES {rows}) AS v WHERE true ON CONFLICT (person) DO UPDATE SET "
    "question_id = excluded.question_id, outbox_id = excluded.outbox_id, message_id = NULL, "
    "payload = excluded.payload"
)
_LAST_PROMPT = (
    "SELECT p.question_id, p.message_id, p.payload, "
    "EXISTS (SELECT 1 FROM outbox o WHERE o.id = p.outbox_id) FROM prompts p WHERE p.person = ?"
)
_FORGET = ("DELETE FROM outbox WHERE person = ?", "DELETE FROM prompts WHERE person = ?")
# The oldest message of each person of this bot, when it is due and free. Whoever leases a
# person's oldest message owns the person's queue until it deleted that message.
# Our own leases count as free: a round whose confirmation failed is taken up again.
_HEADS = (
    "SELECT o.person FROM outbox o WHERE o.id IN "
    "(SELECT min(id) FROM outbox WHERE bot = ? GROUP BY person) "
    "AND (o.lease_until IS NULL OR o.lease_until < ? OR o.lease_owner = ?) "
    "AND (o.not_before IS NULL OR o.not_before <= ?) ORDER BY o.id LIMIT ?"
)
_LEASE = (
    "UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE bot = ? AND person {among} "
    "AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?) "
    "RETURNING id, person, payload, question_id, attempts"
)
_DELIVERED = (
    "DELETE FROM outbox WHERE id {among}",
    "UPDATE prompts SET message_id = ? WHERE person = ? AND outbox_id = ?",  # by key
)
_RETRY = (
    "UPDATE outbox SET lease_owner = NULL, lease_until = NULL, not_before = ?, "
    "attempts = attempts + 1 WHERE id = ?"
)
_UNLEASE = "UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE id {among}"
IDS_MAX = 500  # ids per statement (SQLite: placeholders of an IN list)
_OWNERS = "SELECT DISTINCT lease_owner FROM outbox WHERE lease_owner IS NOT NULL"
_RELEASE = "UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?"
_COUNT = "SELECT count(*) FROM outbox WHERE bot = ?"


def enqueue(
    writer: RowWriter, bot: str, person: str, payload: str, question_id: str | None
) -> None:
    """Add a message to the person's queue (``writer`` writes it before the commit); with
    ``question_id`` it is a question and becomes the last prompt."""
    writer.add(_ENQUEUE, (bot, person, payload, question_id, time.time(), 0))
    if question_id is not None:
        writer.add(_SET_PROMPT, (person, question_id, payload), key=person)


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


@dataclass(frozen=True)
class Outcome:
    """What became of a sent message: delivered (or dropped), or to be tried again later."""

    outgoing: Outgoing
    message_id: int | None = None
    retry_in: float | None = None  # seconds; None when it is done with


class Outbox:
    """Delivery side of one bot's outbox: lease people's queues, confirm, retry."""

    def __init__(self, engine: Engine, dialect: Dialect, bot: str = ""):
        self.engine = engine
        self.dialect = dialect
        self.bot = bot
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        # PostgreSQL: a head another relay is leasing right now is skipped, not waited for.
        self._heads = _HEADS + (" FOR UPDATE SKIP LOCKED" if dialect.name == "postgresql" else "")

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

    def claim(self, people: int = 64) -> list[Outgoing]:
        """Lease every queued message of up to ``people`` people whose oldest message is due,
        in one transaction; oldest first. Send each person's in this order."""
        with transaction(self.engine, self.dialect, pipeline=True, queue=True) as cursor:
            return self._claim_in(cursor, people)

    def _claim_in(self, cursor: Any, people: int) -> list[Outgoing]:
        now = time.time()
        params = (self.bot, now, self.owner, now, people)
        cursor.execute(self.dialect.sql(self._heads), params)
        heads = [row[0] for row in cursor.fetchall()]
        if not heads:
            return []
        among, listed = self.dialect.among(heads)
        cursor.execute(
            self.dialect.sql(_LEASE.format(among=among)),
            (self.owner, now + LEASE_S, self.bot, *listed, now, self.owner),
        )
        return sorted((Outgoing(*row) for row in cursor.fetchall()), key=lambda o: o.id)

    def settle(self, outcomes: Sequence[Outcome], release: Sequence[Outgoing] = ()) -> None:
        """Record a round of sends in one transaction: delete what was delivered (keeping a
        question's message id), schedule retries, and give back leases of ``release``."""
        if not outcomes and not release:
            return
        with transaction(self.engine, self.dialect, pipeline=True) as cursor:
            self._settle_in(cursor, outcomes, release)

    def settle_and_claim(
        self, outcomes: Sequence[Outcome], release: Sequence[Outgoing] = (), people: int = 64
    ) -> list[Outgoing]:
        """``settle`` the last round and ``claim`` the next in one transaction: one commit
        instead of two."""
        with transaction(self.engine, self.dialect, pipeline=True, queue=True) as cursor:
            if outcomes or release:
                self._settle_in(cursor, outcomes, release)
            return self._claim_in(cursor, people)

    def _settle_in(
        self, cursor: Any, outcomes: Sequence[Outcome], release: Sequence[Outgoing]
    ) -> None:
        now = time.time()
        retries = [(now + o.retry_in, o.outgoing.id) for o in outcomes if o.retry_in is not None]
        done = [o for o in outcomes if o.retry_in is None]
        questions = [
            (o.message_id, o.outgoing.person, o.outgoing.id)
            for o in done
            if o.outgoing.question_id is not None and o.message_id is not None
        ]
        delivered = [o.outgoing.id for o in done]
        released = [outgoing.id for outgoing in release]
        people = sorted({o.outgoing.person for o in outcomes} | {o.person for o in release})
        if self.dialect.lock_people:  # as their steps do: never a lock in a circle
            cursor.execute(self.dialect.sql(self.dialect.lock_people), (people,))
        for statement, ids in ((_DELIVERED[0], delivered), (_UNLEASE, released)):
            for start in range(0, len(ids), IDS_MAX):
                among, listed = self.dialect.among(ids[start : start + IDS_MAX])
                cursor.execute(self.dialect.sql(statement.format(among=among)), listed)
        for statement, rows in ((_RETRY, retries), (_DELIVERED[1], questions)):
            if rows:
                cursor.executemany(self.dialect.sql(statement), rows)

    def delivered(self, outgoing: Outgoing, message_id: int | None) -> None:
        """The message arrived: delete it, and remember the message id of a question."""
        self.settle([Outcome(outgoing, message_id)])

    def retry_later(self, outgoing: Outgoing, delay: float) -> None:
        """Release the message and try again in ``delay`` seconds."""
        self.settle([Outcome(outgoing, retry_in=delay)])

    def undelivered(self) -> int:
        """How many messages of this bot wait to be delivered."""
        with transaction(self.engine, self.dialect) as cursor:
            cursor.execute(self.dialect.sql(_COUNT), (self.bot,))
            return int(cursor.fetchone()[0])
