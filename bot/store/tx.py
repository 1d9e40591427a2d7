"""What a step may do inside its transaction besides changing the session: queue messages,
read the last question, write audit rows, schedule check-ins, erase the person."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.store import outbox as outbox_sql
from bot.store.checkins import PersonCheckins
from bot.store.database import Dialect
from bot.store.outbox import LastPrompt

_ERASE = "DELETE FROM sessions WHERE person = ? RETURNING person"
_VALUES = re.compile(r"VALUES\s*(\([^()]*\))\s*$")  # an INSERT's one row of placeholders


class Tx:
    """What a step may do besides changing the session, inside its transaction."""

    def __init__(self, cursor: Any, dialect: Dialect, person: str, bot: str = ""):
        self._cursor = cursor
        self._dialect = dialect
        self.person = person
        self.bot = bot
        self.erased = False
        self.checkins = PersonCheckins(cursor, dialect, person)
        self._queued: list[tuple[str, str | None]] = []  # sent, not yet written

    def last_prompt(self) -> LastPrompt | None:
        """The question last sent to the person (with its message id once delivered)."""
        self.flush()
        return outbox_sql.last_prompt(self._cursor, self._dialect, self.person)

    def send(self, payload: str, question_id: str | None = None) -> None:
        """Deliver ``payload`` after commit; ``question_id`` marks a question being asked.
        Messages are written together, up to a question (one statement for a step's
        replies); ``flush`` writes what is left."""
        self._queued.append((payload, question_id))
        if question_id is not None:
            self.flush()

    def flush(self) -> None:
        """Write the messages sent since the last flush (before a read, and at the end)."""
        if self._queued:
            queued, self._queued = self._queued, []
            outbox_sql.enqueue(self._cursor, self._dialect, self.bot, self.person, queued)

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
        placeholders; datetimes stamped as the tables store them). An INSERT of several
        rows becomes one statement."""
        stamp = self._dialect.stamp
        stamped = [tuple(stamp(p) if isinstance(p, datetime) else p for p in r) for r in rows]
        values = _VALUES.search(statement) if len(stamped) > 1 else None
        if values is not None:
            listed = ", ".join([values.group(1)] * len(stamped))
            statement = statement[: values.start(1)] + listed + statement[values.end(1) :]
            stamped = [tuple(value for row in stamped for value in row)]
        if len(stamped) == 1:
            self._cursor.execute(self._dialect.sql(statement), stamped[0])
        elif stamped:
            self._cursor.executemany(self._dialect.sql(statement), stamped)

    def erase(self) -> bool:
        """Delete the session, check-ins, undelivered messages and last question; True if a
        session was."""
        self._queued.clear()  # messages queued before an erasure go with it
        self._cursor.execute(self._dialect.sql(_ERASE), (self.person,))
        existed = self._cursor.fetchone() is not None
        outbox_sql.forget(self._cursor, self._dialect, self.person)
        self.checkins.cancel_all()
        self.erased = True
        return existed
