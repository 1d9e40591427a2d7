"""Updates just stored are handed to the inbox worker at once, each person's in order."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator

import pytest
from telegram import Update

from bot.channels.telegram import worker as worker_module
from bot.channels.telegram.polling import Poller
from bot.channels.telegram.worker import InboxWorker
from bot.store import Pending
from tests.telegram.offline_bot import CHAT, OfflineBot, texts

PERSON = f"telegram:123456:{CHAT}"


def store(bot: OfflineBot, update_id: int, raw: dict) -> Pending:
    """Store an update as the webhook does; the Pending it hands over."""
    payload = json.dumps({"update_id": update_id, **raw})
    assert bot.store.inbox.add([(update_id, PERSON, payload)]) == []
    return Pending(update_id, payload, 0, PERSON)


async def all_processed(bot: OfflineBot, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while bot.store.inbox.unprocessed():
        assert time.monotonic() < deadline, "an offered update was not processed"
        await asyncio.sleep(0.02)


async def test_an_update_handed_over_is_answered_without_polling_the_inbox(offline):
    worker = offline.app.bot_data["worker"]  # its polling loop is not running
    worker.offer([store(offline, 1, offline.message("/start"))])
    await all_processed(offline)
    await offline.app.bot_data["relay"].drain()
    assert any("Shall we begin?" in t for t in texts(offline.api.log))


@contextlib.asynccontextmanager
async def polling_far_apart(bot: OfflineBot, monkeypatch) -> AsyncIterator[InboxWorker]:
    """The worker's loop running, its poll made 60 s away: only a wake moves it on."""
    monkeypatch.setattr(worker_module, "IDLE_POLL_S", 60.0)
    worker = bot.app.bot_data["worker"]
    polling = asyncio.create_task(worker.run())
    try:
        await asyncio.sleep(0.1)  # the loop's first query found nothing; it now sleeps
        yield worker
        await all_processed(bot)
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
    await bot.app.bot_data["relay"].drain()


def assert_start_answered_before_help(bot: OfflineBot) -> None:
    sent = texts(bot.api.log)
    started = next(i for i, t in enumerate(sent) if "Shall we begin?" in t)
    helped = next(i for i, t in enumerate(sent) if "How this works" in t)
    assert started < helped, sent


async def test_an_update_for_a_busy_person_follows_the_one_in_hand(offline, monkeypatch):
    """The second arrives while the first is being handled: it is taken from the inbox as
    soon as the first is done, not at the next poll."""
    async with polling_far_apart(offline, monkeypatch) as worker:
        worker.offer([store(offline, 1, offline.message("/start"))])
        worker.offer([store(offline, 2, offline.message("/help"))])
    assert_start_answered_before_help(offline)


async def test_an_update_handed_over_before_an_older_one_waits_for_it(offline, monkeypatch):
    """Another process stored the person's previous update and has not handled it yet: the
    one handed over here is refused for now, and both follow at once, in order."""
    async with polling_far_apart(offline, monkeypatch) as worker:
        store(offline, 1, offline.message("/start"))  # not handed over here
        worker.offer([store(offline, 2, offline.message("/help"))])
    assert_start_answered_before_help(offline)


@pytest.mark.parametrize("repeat", [False, True])
async def test_polling_hands_over_only_updates_new_to_the_inbox(offline, repeat):
    worker = offline.app.bot_data["worker"]
    poller = Poller(offline.app, offline.store, worker)
    if repeat:
        store(offline, 7, offline.message("/start"))
    batch = [
        Update.de_json({"update_id": i, **offline.message("/start")}, offline.app.bot)
        for i in (7, 8)
    ]
    stored = await poller._store((batch[0], batch[0], batch[1]))  # 7 came twice
    assert [p.update_id for p in stored] == ([8] if repeat else [7, 8])
    assert all(p.person == PERSON and json.loads(p.payload)["update_id"] for p in stored)
