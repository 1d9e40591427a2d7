"""A bot process's memory does not grow with the number of sessions stored in the database.

Two webhook processes on one PostgreSQL database serve the same people twice: first with no
other sessions stored, then, freshly started, with 100,000 more. Held in memory, even as
their raw keys and JSON text, those sessions would take about 25 MiB per process.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from sqlalchemy import create_engine

from bot.channels.telegram.person_keys import bot_id_of, bot_prefix

from .chatters import answer_buttons, newest_question
from .emulator import Emulator
from .webhook_bots import WebhookBot

STORED = 100_000
PEOPLE = 8
ANSWERS = 4  # questions each person answers per round
ALLOWED_GROWTH_MIB = 8.0
_CHATS = itertools.count(7600)


def resident_mib(bot: WebhookBot) -> float:
    """The process's resident memory now (VmRSS)."""
    assert bot.proc is not None
    status = Path(f"/proc/{bot.proc.pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def chat_through(emulator: Emulator, bots: list[WebhookBot], chat: int) -> None:
    """One person: /start, then ANSWERS tapped answers, alternating between the processes."""
    turns = itertools.cycle(bots)
    seen = 0

    def asked() -> dict | None:
        return newest_question(emulator, chat, seen)

    assert next(turns).post(emulator.update(emulator.user_sends_text(chat, "/start"))) == 200
    for _ in range(ANSWERS):
        message = emulator.wait_for(asked, 15, f"the next question in chat {chat}")
        seen = message["message_id"]
        options = [b["callback_data"] for b in answer_buttons(message)]
        data = next((o for o in options if o.endswith(":no")), options[0])  # no warning sign
        assert next(turns).post(emulator.update(emulator.user_presses(chat, seen, data))) == 200
    emulator.wait_for(asked, 15, f"the question after the last answer in chat {chat}")


def serve_round(emulator: Emulator, tmp_path: Path, pg_url: str, name: str) -> list[float]:
    """Start two processes, let PEOPLE new people chat through both; their memory then."""
    bots = [WebhookBot(emulator, tmp_path / name, pg_url, f"{name}{i}") for i in range(2)]
    try:
        for bot in bots:
            bot.start()
        for _ in range(PEOPLE):
            chat_through(emulator, bots, next(_CHATS))
        return [resident_mib(bot) for bot in bots]
    finally:
        for bot in bots:
            bot.cleanup()


def store_sessions(pg_url: str, prefix: str, count: int) -> None:
    """``count`` idle sessions of this bot's people, mid-check, as a long-running bot has."""
    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    data = '{"flow_id": "nostril_twitch", "state": "stress", "answers": {"consent": "agree"}}'
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO sessions (person, flow_id, state, data, row_version, updated_at) "
            "SELECT %(prefix)s || (1000000 + n), 'nostril_twitch', 'stress', %(data)s, 1, now() "
            "FROM generate_series(1, %(count)s) AS n",
            {"prefix": prefix, "data": data, "count": count},
        )
    engine.dispose()


def test_memory_of_two_processes_does_not_grow_with_stored_sessions(
    emulator: Emulator, tmp_path: Path, pg_url: str
):
    empty = serve_round(emulator, tmp_path, pg_url, "empty")
    store_sessions(pg_url, bot_prefix(bot_id_of(emulator.token)), STORED)
    full = serve_round(emulator, tmp_path, pg_url, "full")
    growth = [after - before for before, after in zip(empty, full, strict=True)]
    print(f"resident MiB with none stored {empty}, with {STORED} stored {full}")
    assert max(growth) < ALLOWED_GROWTH_MIB, (empty, full)
