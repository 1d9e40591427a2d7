"""Throughput with many people at once: updates per second of wall time.

Each of ``concurrent`` people at a time sends an update and waits for the bot's next question
before sending the next, as people do. The baseline handles each update inline
(``process_update``); the durable bot takes the way a webhook update takes: stored in the
inbox, processed by the inbox worker, delivered by the outbox relay.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import Application

from bot.channels.telegram.raw_updates import person_of_json, stored_form
from bot.store import Pending
from tests.fake_bot_api import FakeBotAPI, JSONDict
from updates.common import FLOW_ID, SCRIPT, UPDATES_PER_USER
from updates.driving import Users

REPLY_TIMEOUT_S = 60.0


class WatchedBotAPI(FakeBotAPI):
    """The fake Bot API, waking whoever waits for a chat's next message with buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: dict[int, asyncio.Event] = {}

    def _send_message(self, params: JSONDict) -> JSONDict:
        message = super()._send_message(params)
        if "reply_markup" in params and (event := self.asked.get(int(params["chat_id"]))):
            event.set()
        return message


@dataclass
class Throughput:
    """One throughput run: how many updates in how many seconds, and what went wrong."""

    name: str
    updates: int = 0
    seconds: float = 0.0
    errors: int = 0
    peak_mib: list[float] = field(default_factory=list)  # per process, when measured

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0


# An update as Telegram sends it (JSON), and the user it is from.
Send = Callable[[JSONDict, int], Awaitable[None]]


async def _person(api: WatchedBotAPI, users: Users, user_id: int, send: Send):
    update = users.start_json(user_id)
    for qid, option_id in (("", ""), *SCRIPT):
        if qid:
            message = api.last_keyboard_message.get(user_id)
            if message is None:
                raise RuntimeError(f"user {user_id} got no question")
            update = users.press_json(user_id, message, f"a:{FLOW_ID}:{qid}:{option_id}")
        await send(update, user_id)


async def run_people(
    result: Throughput,
    app: Application,
    api: WatchedBotAPI,
    users: Users,
    n_users: int,
    concurrent: int,
    send: Send,
) -> None:
    """``n_users`` people, ``concurrent`` at a time, each through a whole check."""
    slots = asyncio.Semaphore(concurrent)

    async def one(user_id: int) -> None:
        async with slots:
            try:
                await _person(api, users, user_id, send)
            except (RuntimeError, TimeoutError):
                result.errors += 1

    begin = time.perf_counter()
    await asyncio.gather(*(one(user_id) for user_id in users.take(n_users)))
    result.seconds += time.perf_counter() - begin
    result.updates += n_users * UPDATES_PER_USER


def inline(app: Application) -> Send:
    """The baseline's way: read the update and handle it right away."""

    async def send(update: JSONDict, _user_id: int) -> None:
        await app.process_update(Update.de_json(update, app.bot))

    return send


def through_inbox(app: Application, api: WatchedBotAPI) -> Send:
    """The durable bot's way: store it and hand it to the worker (as the webhook does), then
    wait for the reply."""
    store = app.bot_data["conversations"].store
    worker = app.bot_data["worker"]

    async def send(update: JSONDict, user_id: int) -> None:
        event = api.asked.setdefault(user_id, asyncio.Event())
        event.clear()
        person = person_of_json(store.bot, update)
        stored = json.dumps(stored_form(update))
        if await store.inbox.add_soon(update["update_id"], person, stored):
            worker.offer([Pending(update["update_id"], stored, 0, person)])
        async with asyncio.timeout(REPLY_TIMEOUT_S):  # no task per wait, unlike wait_for
            await event.wait()

    return send


async def measure(
    name: str,
    build: Callable[[WatchedBotAPI], Application],
    users: Users,
    n_users: int,
    warmup: int,
    concurrent: int,
    durable: bool,
    ready: Callable[[], Awaitable[None]] | None = None,
) -> Throughput:
    """Warm up, then time ``n_users`` people; the durable bot's worker and relay run meanwhile.
    ``ready`` is awaited between warm-up and timing (other processes start together)."""
    api = WatchedBotAPI()
    app = build(api)
    await app.initialize()
    tasks = []
    if durable:
        tasks = [
            asyncio.create_task(app.bot_data["worker"].run()),
            asyncio.create_task(app.bot_data["relay"].run()),
        ]
    send = through_inbox(app, api) if durable else inline(app)
    result = Throughput(name)
    try:
        await run_people(Throughput(name), app, api, users, warmup, concurrent, send)
        if ready is not None:
            await ready()
        await run_people(result, app, api, users, n_users, concurrent, send)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await app.shutdown()
        if durable:
            app.bot_data["conversations"].store.close()
    return result


# A bot to measure: its name, how to build it on the fake API, and whether it is durable.
ThroughputBot = tuple[str, Callable[[WatchedBotAPI], Application], bool]


async def measure_interleaved(
    bots: list[ThroughputBot], n_users: int, warmup: int, concurrent: int, rounds: int
) -> list[Throughput]:
    """Time the bots in turns (``rounds`` of ``n_users / rounds`` people each), so that a
    machine that slows down or speeds up meanwhile weighs on every bot alike. Each turn
    builds and warms up its bot afresh: only one bot lives in the process at a time."""
    totals = [Throughput(name) for name, _, _ in bots]
    users = [Users() for _ in bots]  # fresh people and update ids in every turn
    for i in range(rounds):
        for total, ids, (name, build, durable) in zip(totals, users, bots, strict=True):
            part = await measure(
                name,
                build,
                ids,
                n_users // rounds + (i < n_users % rounds),
                warmup,
                concurrent,
                durable,
            )
            total.updates += part.updates
            total.seconds += part.seconds
            total.errors += part.errors
    return totals
