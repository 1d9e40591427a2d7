"""The hot queries on PostgreSQL cost the same however much history and churn lies behind.

Measured as buffers read (EXPLAIN ANALYZE), which unlike time does not depend on the machine.
The tables are fresh and never analysed, as after a deployment, and autovacuum is kept away,
as it is for up to a minute between its rounds.
"""

from __future__ import annotations

import time

import pytest

from bot.store import SessionStore
from bot.store.inbox import _DUE
from bot.store.outbox import _DELIVERED
from bot.store.sessions import _READ_MANY

BOT = "1"


@pytest.fixture
def store(pg_url):
    store = SessionStore(pg_url, bot=BOT)
    with store.engine.begin() as conn:
        for table in ("inbox", "outbox"):
            conn.exec_driver_sql(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
    yield store
    store.close()


def buffers(store: SessionStore, statement: str, params, *, queue: bool = False) -> int:
    """Shared buffers the statement touches, run as the bot runs it."""
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if queue:
            cursor.execute(store.dialect.queue_scan)
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, params)
        (plan,) = cursor.fetchone()[0]
        raw.rollback()
    finally:
        raw.close()
    top = plan["Plan"]
    return top["Shared Hit Blocks"] + top["Shared Read Blocks"]


def sql(store: SessionStore, statement: str, params=()) -> None:
    with store.engine.begin() as conn:
        conn.exec_driver_sql(statement, params)


def test_reading_a_batch_of_steps_does_not_grow_with_the_update_ids_kept(store):
    """A step checks whether its update was processed before; 48 hours of processed update
    ids are kept for that. Looking one up must not mean reading all of them."""
    people = [f"telegram:{BOT}:{n}" for n in range(50)]

    def read_cost(first_update: int) -> int:
        updates = list(range(first_update, first_update + 50))
        params = {"bot": BOT, "people": people, "updates": updates}
        return buffers(store, _READ_MANY, params)

    processed = "INSERT INTO inbox (bot, update_id, attempts, received_at, processed_at) "
    processed += "SELECT %s, g, 0, 0, 0 FROM generate_series(%s::int, %s::int) AS g"
    sql(store, processed, (BOT, 1, 100))
    few = read_cost(1_000_000)
    sql(store, processed, (BOT, 101, 60_000))
    many = read_cost(2_000_000)
    assert many <= 2 * few + 20, (few, many)


def test_finding_due_updates_grows_with_the_backlog_not_with_its_square(store):
    """After an outage thousands of updates wait; each is checked against older ones of the
    same person by an index lookup, not by a scan of the whole backlog."""

    def due_cost(pending: int) -> int:  # each update from another person
        rows = "INSERT INTO inbox (bot, update_id, person, payload, attempts, received_at) "
        rows += "SELECT %s, g, 'telegram:1:' || g, '{}', 0, 0 FROM generate_series(1, %s::int) AS g"
        sql(store, rows, (BOT, pending))
        now = time.time()
        return buffers(store, store.dialect.sql(_DUE), (BOT, now, now, 256), queue=True)

    assert due_cost(3000) <= 5 * 3000  # a few index pages per waiting update


def test_claiming_replies_skips_rows_delivered_before(store):
    """The outbox churns: every reply is inserted, leased and deleted. Until autovacuum
    comes, its indexes still point at the deleted rows; claiming must not read them all
    again each time."""
    heads = store.dialect.sql(store.outbox._heads)

    def claim_cost() -> int:
        now = time.time()
        return buffers(store, heads, (BOT, now, store.outbox.owner, now, 64), queue=True)

    sql(
        store,
        "INSERT INTO outbox (bot, person, payload, created_at, attempts) SELECT %s, "
        "'telegram:1:' || mod(g, 50), '{}', 0, 0 FROM generate_series(1, 60000) AS g",
        (BOT,),
    )
    sql(store, "DELETE FROM outbox WHERE id > 50")  # delivered; 50 people wait
    first = claim_cost()  # meets the deleted rows, and marks them in the index
    again = claim_cost()
    assert 2 * again < first, (first, again)


def test_confirming_a_delivered_question_touches_only_its_person(store):
    """Once a question is delivered its message id is kept with the person's last question.
    That must be one lookup, not a scan of the last questions of everyone."""
    sql(
        store,
        "INSERT INTO prompts (person, question_id, outbox_id, payload) "
        "SELECT 'telegram:1:' || g, 'q', g, '{}' FROM generate_series(1, 20000) AS g",
    )
    confirm = store.dialect.sql(_DELIVERED[1])
    assert buffers(store, confirm, (7, "telegram:1:123", 123)) <= 10
