"""Several bots and processes on one database: update ids and sessions per bot, new people
serialised."""

from __future__ import annotations

import json
import threading
import time

from bot import create_application, load_settings
from bot.engine import Start, step
from bot.store import SessionStore
from tests.conftest import NOW, ROOT
from tests.fake_bot_api import FakeBotAPI


def test_two_bots_number_their_updates_alike_and_both_are_processed(database_url, flow):
    first, second = SessionStore(database_url, bot="111"), SessionStore(database_url, bot="222")
    assert first.inbox.add([(1, "telegram:111:5", "{}")]) == []
    assert second.inbox.add([(1, "telegram:222:5", "{}")]) == []  # not a duplicate
    assert first.inbox.add([(1, "telegram:111:5", "{}")]) == [1]  # this one is
    assert [p.update_id for p in second.inbox.due()] == [1]
    start = lambda session, _tx: step(flow, session, Start(), NOW)  # noqa: E731
    assert not first.transact("telegram:111:5", start, update_id=1).duplicate
    assert not second.transact("telegram:222:5", start, update_id=1).duplicate
    assert second.transact("telegram:222:5", start, update_id=1).duplicate
    assert first.inbox.unprocessed() == second.inbox.unprocessed() == 0
    assert first.load("telegram:111:5") is not None and first.load("telegram:222:5") is not None
    first.close()
    second.close()


def test_a_new_persons_first_two_steps_do_not_interleave(database_url, flow):
    stores = [SessionStore(database_url), SessionStore(database_url)]
    seen: list[bool] = []

    def slow_start(session, _tx):
        seen.append(session is not None)
        time.sleep(0.3)  # the other process tries meanwhile
        return step(flow, session, Start(), NOW)

    threads = [
        threading.Thread(target=s.transact, args=("telegram:1:77", slow_start)) for s in stores
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == [False, True]  # the second saw what the first saved
    for store in stores:
        store.close()


async def test_two_tokens_on_one_database_each_answer_their_own_people(database_url):
    apps = []
    for token in ("111:AAA", "222:BBB"):
        settings = load_settings(
            telegram_bot_token=token, database_url=database_url, flows_dir=ROOT / "flows"
        )
        api = FakeBotAPI()
        api.keep_log = True
        app = create_application(settings, rate_limit=False, request=api)
        await app.initialize()
        apps.append((app, api))
    chat = {"id": 5, "type": "private", "first_name": "A"}
    for update_id in (1, 2):  # both bots number their updates from 1
        for app, _api in apps:
            text = "/start" if update_id == 1 else "/help"
            raw = {
                "update_id": update_id,
                "message": {
                    "message_id": update_id,
                    "date": 0,
                    "chat": chat,
                    "from": {"id": 5, "is_bot": False, "first_name": "A"},
                    "text": text,
                    "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
                },
            }
            store = app.bot_data["conversations"].store
            store.inbox.add([(update_id, None, json.dumps(raw))])
            await app.bot_data["worker"].drain()
            await app.bot_data["relay"].drain()
    for app, api in apps:
        sent = [p["text"] for method, p in api.log if method == "sendMessage"]
        assert any("Shall we begin?" in t for t in sent), sent
        assert any("/summary" in t for t in sent), sent  # the help text: update 2 too
        store = app.bot_data["conversations"].store
        person = f"telegram:{store.bot}:5"
        assert store.load(person).state == "consent"
        assert store.inbox.unprocessed() == 0 and store.outbox.undelivered() == 0
        await app.shutdown()
        store.close()
