"""Our durable bot, and the PostgreSQL database it runs on in the benchmark."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import sqlalchemy
from telegram.ext import (
    Application,
)

from bot import create_application, load_settings
from tests.fake_bot_api import FakeBotAPI
from updates.common import (
    FLOWS_DIR,
    TOKEN,
)


def build_durable(database_url: str, api: FakeBotAPI, token: str = TOKEN) -> Application:
    """Our bot exactly as ``bot.create_application`` builds it, minus the rate limiter."""
    settings = load_settings(
        telegram_bot_token=token, database_url=database_url, flows_dir=FLOWS_DIR
    )
    return create_application(settings, rate_limit=False, request=api)


def close_durable(app: Application) -> None:
    """What the bot's post_shutdown does (only run_polling/run_webhook call that hook)."""
    app.bot_data["conversations"].store.close()


@contextlib.contextmanager
def postgres_database(url: str) -> Iterator[tuple[str, str]]:
    """A fresh database on the server of ``url`` (dropped afterwards); yields (url, how).

    Without the right to create one, the tables ``sessions``, ``inbox``, ``outbox`` and
    ``prompts`` of the given database are dropped instead, so the bot recreates them empty.
    """
    parsed = sqlalchemy.make_url(url).set(drivername="postgresql+psycopg")
    admin = sqlalchemy.create_engine(parsed, isolation_level="AUTOCOMMIT")
    name = f"bench_updates_{int(time.time())}_{id(admin) % 10000}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sqlalchemy.exc.DBAPIError:
        with admin.connect() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS sessions, inbox, outbox, prompts")
        admin.dispose()
        yield url, f"database {parsed.database}: dropped tables sessions, inbox, outbox, prompts"
        return
    try:
        fresh = parsed.set(database=name).render_as_string(hide_password=False)
        yield fresh, f"fresh database {name} (dropped afterwards)"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def postgres_reachable(url: str) -> str | None:
    """The server version, or None with a printed note when the server cannot be reached."""
    try:
        engine = sqlalchemy.create_engine(
            sqlalchemy.make_url(url).set(drivername="postgresql+psycopg"),
            connect_args={"connect_timeout": 3},
        )
        with engine.connect() as conn:
            version = conn.exec_driver_sql("SHOW server_version").scalar_one()
        engine.dispose()
        return str(version)
    except Exception as exc:
        print(f"PostgreSQL at {url} not reachable, skipped: {str(exc).splitlines()[0]}")
        return None


# --------------------------------------------------------------------------------------------
# Driving the bots
# --------------------------------------------------------------------------------------------
