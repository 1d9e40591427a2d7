"""An update waits in the inbox without anyone's names and without the bot's own message
under a pressed button, and still reads the same to every handler."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Bot, Update

from bot.channels.telegram.raw_updates import stored_form
from bot.channels.telegram.webhook import Receiver
from bot.store import SessionStore

USER = {"id": 77, "is_bot": False, "first_name": "Ada", "last_name": "Lovelace", "username": "ada"}
CHAT = {"id": 77, "type": "private", "first_name": "Ada", "last_name": "L", "username": "ada"}
QUESTION = {
    "message_id": 12,
    "date": 1_700_000_000,
    "chat": CHAT,
    "from": {"id": 900, "is_bot": True, "first_name": "Bot", "username": "the_bot"},
    "text": "Does the twitch come with weakness on one side of the face?",
    "entities": [{"type": "bold", "offset": 0, "length": 4}],
    "reply_markup": {"inline_keyboard": [[{"text": "Yes", "callback_data": "a:f:q:yes"}]]},
}
PRESS = {
    "update_id": 5,
    "callback_query": {
        "id": "q1",
        "from": USER,
        "chat_instance": "ci",
        "data": "a:f:q:yes",
        "message": QUESTION,
    },
}
COMMAND = {
    "update_id": 6,
    "message": {
        "message_id": 13,
        "date": 1_700_000_001,
        "chat": CHAT,
        "from": USER,
        "text": "/start@the_bot hello",
        "entities": [
            {"type": "bot_command", "offset": 0, "length": 14},
            {"type": "text_mention", "offset": 15, "length": 5, "user": USER},
        ],
    },
}
NAMES = ("Ada", "Lovelace", "ada", "the_bot", "Bot")


def names_in(text: str) -> list[str]:
    return [name for name in NAMES if f'"{name}"' in text]


def parsed(update: dict) -> Update:
    return Update.de_json(json.loads(json.dumps(stored_form(update))), Bot("1:A"))


def test_a_pressed_button_reads_the_same_without_names_or_the_question_text():
    stored = json.dumps(stored_form(PRESS))
    assert names_in(stored) == [] and "twitch" not in stored and "inline_keyboard" not in stored
    query = parsed(PRESS).callback_query
    assert (query.id, query.data, query.from_user.id) == ("q1", "a:f:q:yes", 77)
    assert (query.message.message_id, query.message.chat.id, query.message.chat.type) == (
        12,
        77,
        "private",
    )
    assert parsed(PRESS).effective_chat.id == 77


def test_a_typed_command_keeps_its_text_and_command_but_no_names():
    assert names_in(json.dumps(stored_form(COMMAND))) == []
    message = parsed(COMMAND).message
    assert message.text == "/start@the_bot hello"
    assert message.parse_entities(["bot_command"]) == {message.entities[0]: "/start@the_bot"}
    assert (message.chat.type, message.from_user.id) == ("private", 77)


def test_group_titles_forwards_contacts_and_media_are_not_kept():
    message = {
        "message_id": 14,
        "date": 1_700_000_002,
        "from": USER,
        "chat": {"id": -100, "type": "group", "title": "Ada Lovelace and family"},
        "forward_origin": {"type": "hidden_user", "date": 1, "sender_user_name": "Grace Hopper"},
        "contact": {"phone_number": "+4412", "first_name": "Grace", "vcard": "FN:Grace Hopper"},
        "reply_to_message": QUESTION,
        "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}],
    }
    stored = json.dumps(stored_form({"update_id": 7, "message": message}))
    for kept in ("Lovelace", "Hopper", "Grace", "+4412", "twitch", "file_id"):
        assert kept not in stored
    assert parsed({"update_id": 7, "message": message}).message.chat.type == "group"


def test_a_deeply_nested_update_is_stored_like_any_other():
    deep: dict = {}
    for _ in range(5000):
        deep = {"x": deep}
    update = {"update_id": 8, "message": {**COMMAND["message"], "reply_to_message": deep}}
    assert stored_form(update)["message"]["text"] == "/start@the_bot hello"
    assert stored_form({"update_id": 9, "my_chat_member": deep}) == {"update_id": 9}


async def test_the_webhook_stores_an_update_without_names(tmp_path):
    store = SessionStore(f"sqlite:///{tmp_path}/inbox.sqlite3", bot="1")
    receiver = Receiver(store, "secret", lambda stored: None)
    try:
        assert int(await receiver.receive("secret", json.dumps(PRESS).encode())) == 200
        (pending,) = store.inbox.due()
    finally:
        store.close()
    assert pending.update_id == 5 and pending.person == "telegram:1:77"
    assert names_in(pending.payload) == [] and "twitch" not in pending.payload


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["first_name", "last_name", "username", "message", "callback_query", "x"]
            )
            | st.text(max_size=6),
            inner,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["update_id", "callback_query", "message"]), json_values))
def test_any_json_update_is_stored_without_names(update):
    stored = stored_form(update)
    text = json.dumps(stored)  # still JSON

    def walk(value):
        if isinstance(value, dict):
            assert "last_name" not in value and "username" not in value
            assert value.get("first_name", "") == ""
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(text))
    number = update.get("update_id")
    assert stored["update_id"] == (number if type(number) is int else None)  # not True/False
