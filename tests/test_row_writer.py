"""Rows gathered from a transaction's steps are written together, as if one by one."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from bot.store.database import dialect_of, transaction
from bot.store.row_writer import ROWS_MAX, RowWriter

_NOTE = "INSERT INTO notes (who, text) VALUES {rows}"
_LAST = (
    "INSERT INTO last (who, text) VALUES {rows} "
    "ON CONFLICT (who) DO UPDATE SET text = excluded.text"
)


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/rows.sqlite3")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, who TEXT, text TEXT)")
        conn.exec_driver_sql("CREATE TABLE last (who TEXT PRIMARY KEY, text TEXT)")
    yield engine
    engine.dispose()


def rows(engine, table):
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(f"SELECT who, text FROM {table} ORDER BY 1")]


def test_rows_keep_their_order_and_a_keyed_row_replaces_the_earlier_one(engine):
    dialect = dialect_of(engine)
    with transaction(engine, dialect) as cursor:
        writer = RowWriter(cursor, dialect)
        for who, text in [("ann", "a1"), ("bob", "b1"), ("ann", "a2")]:
            writer.add(_NOTE, (who, text))
            writer.add(_LAST, (who, text), key=who)  # an upsert may not touch a row twice
        cursor.execute("SELECT count(*) FROM notes")
        assert cursor.fetchone() == (0,)  # nothing written before the flush
        writer.flush()
    with engine.connect() as conn:
        notes = [tuple(r) for r in conn.exec_driver_sql("SELECT who, text FROM notes ORDER BY id")]
    assert notes == [("ann", "a1"), ("bob", "b1"), ("ann", "a2")]
    assert rows(engine, "last") == [("ann", "a2"), ("bob", "b1")]


def test_more_rows_than_one_statement_takes_are_all_written(engine):
    dialect = dialect_of(engine)
    many = [(f"p{n:05}", str(n)) for n in range(2 * ROWS_MAX + 7)]
    with transaction(engine, dialect) as cursor:
        writer = RowWriter(cursor, dialect)
        for row in many:
            writer.add(_NOTE, row)
        writer.flush()
        writer.flush()  # nothing twice
    assert rows(engine, "notes") == many
