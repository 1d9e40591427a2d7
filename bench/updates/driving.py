"""Driving the bots one update at a time: users, contenders, timed and memory runs."""

from __future__ import annotations

import contextlib
import cProfile
import gc
import itertools
import time
import tracemalloc
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import telegram
from telegram import Update
from telegram.ext import (
    Application,
    CallbackContext,
)

from tests.fake_bot_api import FakeBotAPI, JSONDict
from updates.common import (
    BATCH_USERS,
    FLOW_ID,
    SCRIPT,
)


@dataclass
class Contender:
    """One bot under test, with its fake API and what was measured."""

    name: str
    build: Callable[[FakeBotAPI], Application]
    close: Callable[[Application], None] | None = None
    api: FakeBotAPI = field(default_factory=FakeBotAPI)
    app: Application | None = None
    latencies_ns: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    memory_peak: int | None = None
    memory_retained: int | None = None

    @property
    def seconds(self) -> float:
        return sum(self.latencies_ns) / 1e9

    @property
    def rate(self) -> float:
        return len(self.latencies_ns) / self.seconds if self.latencies_ns else 0.0


class Users:
    """Unique user ids and update ids, shared by all bots so each sees fresh people."""

    def __init__(self) -> None:
        self._user_ids = itertools.count(10_000_001)
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)

    def take(self, n: int) -> list[int]:
        return [next(self._user_ids) for _ in range(n)]

    def start(self, user_id: int, bot: telegram.Bot) -> Update:
        return Update.de_json(self.start_json(user_id), bot)

    def press(self, user_id: int, message: JSONDict, data: str, bot: telegram.Bot) -> Update:
        return Update.de_json(self.press_json(user_id, message, data), bot)

    def start_json(self, user_id: int) -> JSONDict:
        """A /start update as Telegram sends it."""
        user = {"id": user_id, "is_bot": False, "first_name": "Bench", "language_code": "en"}
        return {
            "update_id": next(self._update_ids),
            "message": {
                "message_id": 1_000_000 + next(self._query_ids),
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private", "first_name": "Bench"},
                "from": user,
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        }

    def press_json(self, user_id: int, message: JSONDict, data: str) -> JSONDict:
        """A button press on ``message`` as Telegram sends it."""
        user = {"id": user_id, "is_bot": False, "first_name": "Bench", "language_code": "en"}
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._query_ids)),
                "from": user,
                "chat_instance": str(user_id),
                "message": message,
                "data": data,
            },
        }


async def run_users(
    contender: Contender,
    users: Users,
    user_ids: list[int],
    latencies: list[int] | None,
    profile: cProfile.Profile | None = None,
) -> None:
    """Each user: /start, then every button of SCRIPT on the latest question message."""
    app, api = contender.app, contender.api
    assert app is not None
    clock = time.perf_counter_ns
    for user_id in user_ids:
        update = users.start(user_id, app.bot)
        for qid, option_id in (("", ""), *SCRIPT):
            if qid:
                message = api.last_keyboard_message.get(user_id)
                if message is None:
                    contender.errors.append(f"user {user_id} got no question to answer")
                    break
                update = users.press(user_id, message, f"a:{FLOW_ID}:{qid}:{option_id}", app.bot)
            if profile is not None:
                profile.enable()
            begin = clock()
            await app.process_update(update)
            if (relay := app.bot_data.get("relay")) is not None:
                await relay.drain()  # the durable bot sends from its outbox
            if profile is not None:
                profile.disable()
            if latencies is not None:
                latencies.append(clock() - begin)
        if not any("No warning signs reported" in t for t in api.recent_texts.get(user_id, ())):
            contender.errors.append(f"user {user_id} did not reach the outcome")


async def _record_error(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
    contender: Contender = context.application.bot_data["bench_contender"]
    contender.errors.append(f"update {getattr(update, 'update_id', '?')}: {context.error!r}")


@contextlib.asynccontextmanager
async def started(contender: Contender) -> AsyncIterator[Application]:
    """Build, initialise, and finally shut down the contender's Application."""
    contender.api = FakeBotAPI()
    app = contender.build(contender.api)
    app.bot_data["bench_contender"] = contender
    app.add_error_handler(_record_error)
    contender.app = app
    await app.initialize()
    try:
        yield app
    finally:
        await app.shutdown()
        if contender.close:
            contender.close(app)
        contender.app = None


async def measure_speed(
    contenders: list[Contender],
    users: Users,
    n_users: int,
    warmup: int,
    after_warmup: Callable[[], None] | None = None,
) -> None:
    """Warm every bot up, then run the users in interleaved batches, timing each update."""
    async with contextlib.AsyncExitStack() as stack:
        for contender in contenders:
            await stack.enter_async_context(started(contender))
            await run_users(contender, users, users.take(warmup), None)
        if after_warmup is not None:
            after_warmup()
        gc.collect()
        remaining = n_users
        while remaining > 0:
            batch = min(BATCH_USERS, remaining)
            remaining -= batch
            for contender in contenders:
                await run_users(contender, users, users.take(batch), contender.latencies_ns)
        for contender in contenders:
            contender.calls = Counter(contender.api.calls)


async def measure_memory(contender: Contender, users: Users, n_users: int, warmup: int) -> None:
    """A separate, untimed run of the same workload under tracemalloc (it slows Python down)."""
    async with started(contender):
        await run_users(contender, users, users.take(warmup), None)
        gc.collect()
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            await run_users(contender, users, users.take(n_users), None)
            peak = tracemalloc.get_traced_memory()[1]
            gc.collect()
            retained = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
    contender.memory_peak = peak - base
    contender.memory_retained = retained - base


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------
