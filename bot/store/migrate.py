"""Schema migrations with Alembic: bring a database to the newest revision.

A database the bot created before migrations existed (its tables, no ``alembic_version``)
is recognised as revision 0001 and upgraded from there. Processes starting together take
turns: a PostgreSQL advisory lock, or SQLite's write lock (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

SCRIPTS = Path(__file__).resolve().parent / "migrations"
BEFORE_MIGRATIONS = "0001"  # what a database made by metadata.create_all() was
_LOCK_KEY = 0x626F74_6D6967  # "bot mig": one migration at a time per PostgreSQL database


@cache
def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    return config


@cache
def head() -> str:
    """The newest revision."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(conn: Connection) -> str | None:
    """The revision a database is at (None: empty, or made before migrations)."""
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> str | None:
    """Bring the database to the newest revision; return the revision it was at before."""
    with engine.connect() as conn:
        if current(conn) == head():
            return head()  # the common case: one quick look
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_LOCK_KEY})")
        before = current(conn)
        if before is None and inspect(conn).has_table("sessions"):
            command.stamp(_with(conn), BEFORE_MIGRATIONS)
            before = BEFORE_MIGRATIONS
        if before != head():
            command.upgrade(_with(conn), "head")
    return before


def _with(conn: Connection) -> Config:
    config = _config()
    config.attributes["connection"] = conn
    return config
