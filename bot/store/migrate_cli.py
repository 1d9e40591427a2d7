"""``python -m bot db upgrade | current``: the schema revision of DATABASE_URL."""

from __future__ import annotations

import sys

from bot.store import migrate
from bot.store.database import DatabaseUnavailable, check, dialect_of, open_engine


def database_command(url: str, action: str) -> int:
    """Upgrade the database to the newest revision, or show its revision; return the exit code."""
    try:
        engine = open_engine(url)
        if action == "upgrade":
            check(engine, dialect_of(engine), migrate.upgrade)
        with engine.connect() as conn:
            revision = migrate.current(conn)
        engine.dispose()
    except DatabaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    newest = migrate.head()
    state = "up to date" if revision == newest else f"behind (newest {newest})"
    print(f"database revision {revision or 'none'}: {state}")
    return 0
