"""The Telegram handlers offline: real Application, in-process Bot API, no network."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import text

from bot.channels.telegram.app import register_commands
from bot.channels.telegram.texts import INVALID_BUTTON, PRIVATE_ONLY, SOMETHING_WRONG
from tests.telegram.offline_bot import CHAT, OfflineBot, texts


async def test_start_sends_the_intro_and_the_first_question(offline):
    calls = await offline.send(offline.message("/start"))
    sent = texts(calls)
    assert "not medical advice" in sent[0]
    assert "Shall we begin?" in sent[1]
    assert offline.store.load(f"telegram:123456:{CHAT}").state == "consent"


async def test_an_unexpected_error_is_logged_and_the_session_is_unchanged(
    offline, monkeypatch, caplog
):
    await offline.send(offline.message("/start"))

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("bot.channels.conversations.step", broken)
    with caplog.at_level(logging.ERROR):
        calls = await offline.send(offline.message("yes"))
    assert texts(calls)[0] == SOMETHING_WRONG
    assert "Shall we begin?" in texts(calls)[1]  # the current question again
    assert f"update {offline.update_id}" in caplog.text
    assert offline.store.load(f"telegram:123456:{CHAT}").state == "consent"
    monkeypatch.undo()
    assert "question 2" in texts(await offline.send(offline.message("yes")))[0]


async def test_forged_callback_data_is_refused_and_logged(offline, caplog):
    await offline.send(offline.message("/start"))
    with caplog.at_level(logging.WARNING):
        calls = await offline.send(offline.press("a:nostril_twitch:consent:maybe"))
    assert calls == [("answerCallbackQuery", {"callback_query_id": "q1", "text": INVALID_BUTTON})]
    assert "rejected callback data" in caplog.text
    assert offline.store.load(f"telegram:123456:{CHAT}").state == "consent"


async def test_a_button_edits_its_question_and_asks_the_next(offline):
    await offline.send(offline.message("/start"))
    calls = await offline.send(offline.press("a:nostril_twitch:consent:agree"))
    methods = [method for method, _ in calls]
    assert methods == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    assert calls[1][1]["text"].endswith("✅ <i>Yes, let's start</i>")
    assert "reply_markup" not in calls[1][1]
    assert "ANY of these" in calls[2][1]["text"]


async def test_a_repeated_update_id_is_ignored(offline):
    await offline.send(offline.message("/start"), update_id=500)
    assert await offline.send(offline.message("/start"), update_id=500) == []
    await offline.send(offline.message("/help"), update_id=501)
    assert await offline.send(offline.message("/help"), update_id=501) == []


async def test_group_chats_get_no_health_check(offline):
    calls = await offline.send(offline.message("/start", chat_type="group", chat_id=-100))
    assert texts(calls) == [PRIVATE_ONLY]
    assert offline.store.load("telegram:123456:-100") is None


@pytest.mark.parametrize("text", ["/start@OtherBot", "/whatever", "/start@OtherBot hi"])
async def test_group_commands_for_other_bots_and_slash_words_are_ignored(offline, text):
    assert await offline.send(offline.message(text, chat_type="group", chat_id=-100)) == []
    assert offline.store.inbox.unprocessed() == 0  # handled: nothing to do


async def test_a_button_on_a_group_message_is_refused(offline):
    press = offline.press("a:nostril_twitch:consent:agree")
    press["callback_query"]["message"]["chat"] = {"id": -100, "type": "group", "title": "g"}
    calls = await offline.send(press)
    assert calls == [("answerCallbackQuery", {"callback_query_id": "q1", "text": INVALID_BUTTON})]
    assert offline.store.load("telegram:123456:-100") is None


async def test_an_edited_message_never_reruns_a_command(offline):
    await offline.send(offline.message("/start"))
    await offline.send(offline.message("yes"))
    edited = {"edited_message": {**offline.message("/restart")["message"], "edit_date": 1}}
    assert await offline.send(edited) == []
    assert offline.store.load(f"telegram:123456:{CHAT}").answers == {"consent": "agree"}


async def test_no_memory_is_kept_per_chat(offline):
    for chat_id in range(1000, 1020):
        await offline.send(offline.message("/start", chat_id=chat_id))
    assert not offline.app.chat_data and not offline.app.user_data


async def test_a_deep_link_to_an_unknown_flow_starts_the_default(offline):
    calls = await offline.send(offline.message("/start no_such_flow"))
    assert "Shall we begin?" in texts(calls)[1]


async def test_commands_menu_is_registered_at_start(tmp_path):
    bot = OfflineBot(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    await bot.app.initialize()
    await register_commands(bot.app)
    commands = [m for m, _ in bot.api.log if m == "setMyCommands"]
    assert commands == ["setMyCommands"]
    await bot.app.shutdown()
    bot.store.close()


async def test_an_old_start_again_button_does_not_wipe_a_check_in_progress(offline):
    await offline.send(offline.message("/start"))
    await offline.send(offline.message("yes"))
    await offline.send(offline.message("no"))
    sent = texts(await offline.send(offline.press("c:restart")))
    assert "Welcome back" in sent[0]
    assert offline.store.load(f"telegram:123456:{CHAT}").answers == {
        "consent": "agree",
        "emergency_signs": "no",
    }


async def test_a_server_without_a_commands_menu_or_callback_answers_still_works(tmp_path, caplog):
    bot = OfflineBot(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    del bot.api._endpoints["setMyCommands"]
    del bot.api._endpoints["answerCallbackQuery"]
    await bot.app.initialize()
    with caplog.at_level(logging.WARNING):
        await register_commands(bot.app)
    assert "could not register the commands menu" in caplog.text
    await bot.send(bot.message("/start"))
    sent = texts(await bot.send(bot.press("a:nostril_twitch:consent:agree")))
    assert "ANY of these" in sent[0]
    await bot.app.shutdown()
    bot.store.close()


@pytest.mark.parametrize("how", ["decline", "forget"])
async def test_declining_or_forgetting_leaves_nothing_behind(offline, how):
    await offline.send(offline.message("/start"))
    if how == "decline":
        await offline.send(offline.press("a:nostril_twitch:consent:decline"))
    else:
        await offline.send(offline.message("yes"))
        await offline.send(offline.message("/forget"))
        await offline.send(offline.press("f:yes"))
    assert offline.store.load(f"telegram:123456:{CHAT}") is None
    with offline.store.engine.connect() as conn:
        for table in ("sessions", "prompts", "outbox"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0
        kept = conn.execute(text("SELECT person, payload FROM inbox")).all()
    assert kept and set(kept) == {(None, None)}  # only update ids remain


async def test_an_unsendable_queued_message_is_dropped_and_the_rest_delivered(offline, caplog):
    def queue(session, tx):
        tx.send('{"method": "noSuchMethod", "params": {}}')
        tx.send(json.dumps({"method": "sendMessage", "params": {"chat_id": CHAT, "text": "hi"}}))
        return session, None

    offline.store.transact(f"telegram:123456:{CHAT}", queue)
    with caplog.at_level(logging.ERROR):
        await offline.app.bot_data["relay"].drain()
    assert "unsendable message" in caplog.text
    assert texts(offline.api.log) == ["hi"]
    assert offline.store.outbox.undelivered() == 0
