"""What a step may do inside its transaction besides changing the session: queue messages,
read the last question, write audit rows, schedule check-ins, erase the person."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from bot.store import outbox as outbox_sql
from bot.store.checkins import PersonCheckins
from bot.store.database import Dialect
from bot.store.outbox import LastPrompt
from bot.store.row_writer import RowWriter

_ERASE = "DELETE FROM sessions WHERE person = ? RETURNING person"
_VALUES = re.compile(r"VALUES\s*(\([^()]*\))\s*$")  # an INSERT's row of placeholders


class Tx:
    """What a step may do besides changing the session, inside its transaction. Its inserts
    go through ``writer``, which writes them (with those of the other steps sharing the
    transaction) before the commit."""

    def __init__(self, cursor: Any, dialect: Dialect, person: str, bot: str, writer: RowWriter):
        self._cursor = cursor
        self._dialect = dialect
        self._writer = writer
        self.person = person
        self.bot = bot
        self.erased = False
        self.checkins = PersonCheckins(cursor, dialect, person)

    def last_prompt(self) -> LastPrompt | None:
        """The question last sent to the person (with its message id once delivered)."""
        self._writer.flush()
        return outbox_sql.last_prompt(self._cursor, self._dialect, self.person)

    def send(self, payload: str, question_id: str | None = None) -> None:
        """Deliver ``payload`` after commit; ``question_id`` marks a question being asked."""
        outbox_sql.enqueue(self._writer, self.bot, self.person, payload, question_id)

    def resend_prompt(self) -> bool:
        """Send the last question again unless it is still waiting; False if there is none."""
        last = self.last_prompt()
        if last is None:
            return False
        if not last.pending:
            self.send(last.payload, last.question_id)
        return True

    def insert(self, statement: str, *rows: tuple[Any, ...]) -> None:
        """Insert ``rows`` with ``statement``, an INSERT of one row of ``?`` placeholders
        (datetimes stamped as the tables store them), written before the commit."""
        rows_of, width = _rows_of(statement)
        if width is None or any(len(row) != width for row in rows):
            raise ValueError(f"not an INSERT ... VALUES (?, ...) for these rows: {statement}")
        for row in rows:
            self._writer.add(rows_of, row)

    def erase(self) -> bool:
        """Delete the session, check-ins, undelivered messages and last question; True if a
        session was. Messages sent earlier in the step go with them."""
        self._writer.flush()
        self._cursor.execute(self._dialect.sql(_ERASE), (self.person,))
        existed = self._cursor.fetchone() is not None
        outbox_sql.forget(self._cursor, self._dialect, self.person)
        self.checkins.cancel_all()
        self.erased = True
        return existed


@cache
def _rows_of(statement: str) -> tuple[str, int | None]:
    """An INSERT of one row as the writer takes it (``{rows}``), and how many values a row has."""
    values = _VALUES.search(statement)
    if values is None:
        return statement, None
    rows_of = statement[: values.start(1)] + "{rows}" + statement[values.end(1) :]
    return rows_of, values.group(1).count("?")
