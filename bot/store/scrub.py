"""Make erased rows really gone: no copy left in SQLite's WAL, no dead tuple in PostgreSQL.

SQLite runs with ``secure_delete`` (deleted content is overwritten with zeros in the
database file); the old page images in the write-ahead log are removed by a checkpoint
that truncates the log. PostgreSQL keeps deleted rows as dead tuples until VACUUM
reclaims them, and even then their bytes stay in the page's free space until it is
reused; only VACUUM FULL, which rewrites a table and its indexes into new files, removes
them. It locks the table while it runs (milliseconds for this bot's small tables), so it
runs only after an erasure; a plain VACUUM, which locks nothing, runs otherwise.
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from bot.store.database import Dialect

log = logging.getLogger(__name__)

# Every table that holds a person key or what they answered.
PERSONAL_TABLES = ("sessions", "outbox", "prompts", "inbox", "checkins")
VACUUM_TIMEOUT_MS = 120_000


def scrub(
    engine: Engine,
    dialect: Dialect,
    *,
    full: bool = False,
    tables: tuple[str, ...] = PERSONAL_TABLES,
) -> bool:
    """Checkpoint SQLite's WAL to zero bytes, or VACUUM (``full``: VACUUM FULL) ``tables``
    on PostgreSQL.

    Returns False when SQLite could not truncate the log because a reader was still
    using it (the next scrub does it).
    """
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if dialect.name == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()[0]
            return not busy
        raw.driver_connection.autocommit = True  # VACUUM cannot run in a transaction
        try:
            cursor.execute(f"SET statement_timeout = {VACUUM_TIMEOUT_MS}")
            for table in tables:
                cursor.execute(f"VACUUM {'FULL ' if full else ''}{table}")
        finally:
            cursor.execute("RESET statement_timeout")
            raw.driver_connection.autocommit = False
        return True
    finally:
        raw.close()
