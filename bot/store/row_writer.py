"""Rows that the steps of one transaction insert, written together just before it commits.

A step's writes are plain INSERTs (replies, its last question, audit rows, the processed mark,
the saved session). Gathered across every step of a group commit, each kind becomes one
statement of many rows, so a batch of people costs a few statements instead of a few per
person. Kinds are written in the order they first appeared; rows of one kind keep their order.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable
from datetime import datetime
from typing import Any

import psycopg

from bot.store.database import Dialect

ROWS_MAX = 500  # rows per statement (SQLite allows 32,766 parameters, PostgreSQL 65,535)


class RowWriter:
    """INSERT rows gathered for one transaction; ``flush`` writes them."""

    def __init__(self, cursor: Any, dialect: Dialect):
        self._cursor = cursor
        self._dialect = dialect
        self._rows: dict[str, dict[Hashable, tuple[Any, ...]]] = {}
        self._unkeyed = itertools.count()

    def add(self, statement: str, row: tuple[Any, ...], key: Hashable | None = None) -> None:
        """Insert ``row`` with ``statement``, whose ``{rows}`` stands for its VALUES rows
        (``?`` for each value). A row with the ``key`` of an earlier one of the same statement
        replaces it (an upsert may not touch a row twice in one statement)."""
        rows = self._rows.setdefault(statement, {})
        rows[("row", next(self._unkeyed)) if key is None else key] = row

    def flush(self) -> None:
        """Write the rows gathered so far: one statement per kind (per ROWS_MAX rows)."""
        gathered, self._rows = self._rows, {}
        for statement, keyed in gathered.items():
            rows = list(keyed.values())
            for start in range(0, len(rows), ROWS_MAX):
                execute_rows(self._cursor, self._dialect, statement, rows[start : start + ROWS_MAX])


def execute_rows(cursor: Any, dialect: Dialect, statement: str, rows: list[tuple[Any, ...]]) -> Any:
    """Run ``statement`` with a ``(?, ...)`` per row in place of its ``{rows}`` (datetimes
    stamped as the tables store them); return the cursor that ran it."""
    width = len(rows[0])
    values = [
        dialect.stamp(value) if isinstance(value, datetime) else value
        for row in rows
        for value in row
    ]
    if dialect.name == "sqlite":
        one = "(" + ", ".join(["?"] * width) + ")"
        cursor.execute(statement.replace("{rows}", ", ".join([one] * len(rows))), values)
        return cursor
    # PostgreSQL's own $n placeholders: psycopg need not parse a statement whose length
    # changes with every batch (its parsed-statement cache would always miss), and such
    # statements are not worth preparing on the server.
    numbers = iter(range(1, len(rows) * width + 1))
    listed = ", ".join(
        "(" + ", ".join(f"${next(numbers)}" for _ in range(width)) + ")" for _ in rows
    )
    raw = psycopg.RawCursor(cursor.connection)
    raw.execute(statement.replace("{rows}", listed), values, prepare=False)
    return raw
