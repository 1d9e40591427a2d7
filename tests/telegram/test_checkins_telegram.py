"""Check-ins in the Telegram channel: cancel buttons, the /checkins list, and the sender's
rate bound and handling of rows it can never deliver."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.channels.conversations import Conversations
from bot.channels.telegram import callback_data, checkin_list
from bot.channels.telegram.checkin_sender import CheckinSender
from bot.channels.telegram.person_keys import chat_of
from bot.store import SessionStore
from bot.store.checkins import Scheduled
from tests.conftest import NOW
from tests.test_checkins_store import accepted_offer


def test_cancel_buttons_round_trip_and_forgeries_are_refused():
    data = callback_data.cancel_checkin_data(42)
    assert callback_data.parse(data) == callback_data.CancelCheckin(42)
    for forged in ("k:0", "k:-1", "k:abc", "k:" + "9" * 19, "k:1 ", "k:01"):
        assert callback_data.parse(forged) is None, forged


def test_the_list_names_each_day_with_a_cancel_button():
    due = NOW + timedelta(days=7)
    sent = json.loads(checkin_list.listing(5, [Scheduled(3, "nostril_twitch", due)]))
    params = sent["params"]
    assert "Thursday 3 December, 09:30 UTC" in params["text"]
    [[button]] = json.loads(params["reply_markup"])["inline_keyboard"]
    assert button == {"text": "Cancel Thursday 3 December", "callback_data": "k:3"}
    empty = json.loads(checkin_list.listing(5, [], message_id=9))
    assert empty["method"] == "editMessageText" and "no check-ins" in empty["params"]["text"]


def test_person_keys_map_to_chats_only_when_they_are_telegram_chats():
    assert chat_of("telegram:42:12345", "42") == 12345
    assert chat_of("telegram:42:-100", "42") == -100
    assert chat_of("telegram:43:12345", "42") is None  # another bot's person
    assert chat_of("console:local", "42") is None and chat_of("telegram:42:abc", "42") is None


class Relay:
    class Wake:
        def set(self):
            pass

    wake = Wake()


@pytest.fixture
def conversations(tmp_path, flow):
    store = SessionStore(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    yield Conversations({flow.id: flow}, store, flow.id)
    store.close()


async def test_the_sender_fires_at_most_its_rate_per_round(conversations, flow):
    store = conversations.store
    for chat in range(1, 6):
        session, reply = accepted_offer(flow)
        store.transact(
            f"telegram:42:{chat}",
            lambda _s, tx, s=session, r=reply: (s, tx.checkins.schedule(flow.id, r.checkin_at)),
        )
    sender = CheckinSender(
        conversations, Relay(), lambda: NOW + timedelta(days=8), bot_id="42", per_second=2
    )
    assert [await sender.fire_due() for _ in range(4)] == [2, 2, 1, 0]
    assert store.outbox.undelivered() == 10  # a greeting and the question for each person


async def test_a_row_that_names_no_chat_is_dropped_not_retried(conversations, flow):
    store = conversations.store
    session, reply = accepted_offer(flow)
    key = "telegram:42:not-a-chat"
    store.transact(key, lambda _s, tx: (session, tx.checkins.schedule(flow.id, reply.checkin_at)))
    sender = CheckinSender(conversations, Relay(), lambda: NOW + timedelta(days=8), bot_id="42")
    assert await sender.fire_due() == 0
    assert store.checkins.of_person(key) == []
