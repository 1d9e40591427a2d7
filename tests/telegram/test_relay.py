"""The outbox relay's confirmations: a round that sent a new message is confirmed before the
next round; callback answers and edits, which Telegram refuses a second time, ride along."""

from __future__ import annotations

import pytest
from telegram import Bot

from bot.channels.telegram import sending
from bot.channels.telegram.relay import Relay
from bot.store import SessionStore
from tests.fake_bot_api import FakeBotAPI

CHAT = 4343
PERSON = f"telegram:123456:{CHAT}"


@pytest.fixture
def store(database_url):
    store = SessionStore(database_url, bot="123456")
    yield store
    store.close()


def queue(store: SessionStore, *calls: tuple[str, str | None]) -> None:
    """Queue (payload, question id) calls for PERSON in one step."""

    def stepper(_session, tx):
        for payload, question_id in calls:
            tx.send(payload, question_id)
        return None, None

    store.transact(PERSON, stepper)


async def deliver(store: SessionStore, api: FakeBotAPI) -> list[int]:
    """Drain the outbox; how many messages each confirmation covered."""
    confirmed: list[int] = []
    settle, settle_and_claim = store.outbox.settle, store.outbox.settle_and_claim

    def counting(outcomes, release=()):
        confirmed.append(len(outcomes))
        settle(outcomes, release)

    def counting_then_claiming(outcomes, release=()):
        if outcomes or release:
            confirmed.append(len(outcomes))
        return settle_and_claim(outcomes, release)

    store.outbox.settle = counting  # type: ignore[method-assign]
    store.outbox.settle_and_claim = counting_then_claiming  # type: ignore[method-assign]
    async with Bot("123456:TEST", request=api) as bot:
        await Relay(bot, store).drain()
    return confirmed


async def test_callback_answer_and_edit_are_confirmed_with_the_question_after_them(store):
    api = FakeBotAPI()
    api.keep_log = True
    queue(
        store,
        (sending.answer("q1"), None),
        (sending.edit(CHAT, 1, "Answered: No"), None),
        (sending.message(CHAT, "Next question?"), "stress"),
    )
    confirmed = await deliver(store, api)
    assert confirmed == [3]
    assert [method for method, _ in api.log if method != "getMe"] == [
        "answerCallbackQuery",
        "editMessageText",
        "sendMessage",
    ]
    assert store.outbox.undelivered() == 0
    with store.engine.connect() as conn:
        message_id = conn.exec_driver_sql("SELECT message_id FROM prompts").scalar_one()
    assert message_id is not None  # a typed answer may now apply to this question


async def test_each_new_message_is_confirmed_before_the_next_is_sent(store):
    queue(
        store,
        (sending.message(CHAT, "Outcome"), None),
        (sending.message(CHAT, "A check-in?"), None),
        (sending.answer("q2"), None),
    )
    assert await deliver(store, FakeBotAPI()) == [1, 1, 1]


async def test_a_batch_claimed_but_not_sent_when_rounds_run_out_is_given_back(database_url):
    """Shutdown drains a limited number of rounds; on SQLite the last confirmation has
    already claimed the next batch, which another process may then send at once."""
    store = SessionStore(database_url, bot="123456")
    later = sending.message(CHAT + 1, "Queued while the first was sent")

    class QueueingWhileSending(FakeBotAPI):
        def _send_message(self, params):
            if params["chat_id"] == CHAT:
                store.transact(f"telegram:123456:{CHAT + 1}", lambda s, tx: (s, tx.send(later)))
            return super()._send_message(params)

    queue(store, (sending.message(CHAT, "First"), None))
    async with Bot("123456:TEST", request=QueueingWhileSending()) as bot:
        await Relay(bot, store).drain(rounds=1)
    other = SessionStore(database_url, bot="123456")
    assert [o.payload for o in other.outbox.claim()] == [later]
    other.close()
    store.close()
