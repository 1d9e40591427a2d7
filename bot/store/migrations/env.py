"""Alembic environment: runs on the connection ``bot.store.migrate`` hands over, or (alembic's
own command line) on DATABASE_URL from the bot's settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from bot.store.schema import metadata

config = context.config


def run_on(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:
    from bot.settings import load_settings
    from bot.store.database import open_engine

    url = config.get_main_option("sqlalchemy.url") or load_settings().database_url
    engine = open_engine(url) if "://" in url else create_engine(url)
    with engine.begin() as conn:
        run_on(conn)
    engine.dispose()
