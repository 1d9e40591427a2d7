"""Smoke tests: a real python-telegram-bot ``Bot``/``Application`` talking HTTP to the emulator."""

import asyncio
import threading

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
)
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from .emulator import Emulator

CHAT = 4242


def make_bot(emulator: Emulator) -> Bot:
    return Bot(token=emulator.token, base_url=emulator.base_url)


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.upper(), callback_data=d)] for d in data])


async def test_get_me(emulator: Emulator) -> None:
    async with make_bot(emulator) as bot:
        me = await bot.get_me()
    assert me.id == 123456 and me.is_bot and me.username == "test_bot"
    assert me.api_kwargs == {}
    assert emulator.calls[0][0] == "getMe"


async def test_wrong_token_and_unknown_method(emulator: Emulator) -> None:
    with pytest.raises(InvalidToken):
        async with Bot(token="999:WRONG", base_url=emulator.base_url):
            pass
    async with make_bot(emulator) as bot:
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("noSuchMethod")


async def test_raw_http_shapes(emulator: Emulator) -> None:
    """JSON bodies, GET query strings and the exact Bot API error bodies."""
    url = emulator.base_url + emulator.token
    async with aiohttp.ClientSession() as http:
        body = {"chat_id": CHAT, "text": "[1]", "reply_markup": {"inline_keyboard": []}}
        async with http.post(f"{url}/sendMessage", json=body) as resp:
            sent = await resp.json()
        assert sent["ok"] and sent["result"]["text"] == "[1]"
        async with http.get(f"{url}/sendMessage", params={"chat_id": CHAT, "text": "42"}) as resp:
            assert (await resp.json())["result"]["text"] == "42"  # form text stays a string
        async with http.post(f"{url}/sendMessage", data={"chat_id": str(CHAT)}) as resp:
            assert resp.status == 400
            assert await resp.json() == {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: message text is empty",
            }
        async with http.post(f"{url}/noSuchMethod") as resp:
            assert resp.status == 404 and (await resp.json())["description"] == "Not Found"
        async with http.post(f"{emulator.base_url}1:BAD/getMe") as resp:
            assert resp.status == 401 and (await resp.json())["description"] == "Unauthorized"
    assert [m["text"] for m in emulator.messages(CHAT)] == ["[1]", "42"]


async def test_send_then_edit_removes_keyboard(emulator: Emulator) -> None:
    async with make_bot(emulator) as bot:
        sent = await bot.send_message(CHAT, "<b>Pick</b> one", "HTML", reply_markup=keyboard("a"))
        assert sent.text == "Pick one" and sent.entities[0].type == "bold"
        assert sent.reply_markup == keyboard("a") and sent.from_user.is_bot
        edited = await bot.edit_message_text("Done", CHAT, sent.message_id)
        assert edited.text == "Done" and edited.reply_markup is None and edited.edit_date
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("Done", CHAT, sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("x", CHAT, 999)
        await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard("b"))
        assert await bot.delete_message(CHAT, sent.message_id)
        assert await bot.send_chat_action(CHAT, "typing")
        assert await bot.set_my_commands([("start", "Begin")])
        assert [c.command for c in await bot.get_my_commands()] == ["start"]
    [msg] = emulator.messages(CHAT)
    assert msg["text"] == "Done" and msg["deleted"] and msg["edited"]
    assert msg["raw_text"] == "Done" and msg["parse_mode"] is None
    assert msg["reply_markup"] == keyboard("b").to_dict()
    assert [h["text"] for h in msg["history"]] == ["Pick one", "Done"]
    assert emulator.commands == [{"command": "start", "description": "Begin"}]


async def test_long_polling_and_offset_confirmation(emulator: Emulator) -> None:
    async with make_bot(emulator) as bot:
        assert await bot.get_updates(timeout=0) == ()
        loop = asyncio.get_running_loop()
        loop.call_later(0.3, emulator.user_sends_text, CHAT, "/start ref42")
        started = loop.time()
        [update] = await bot.get_updates(timeout=5)
        assert loop.time() - started < 2, "long poll must return as soon as an update arrives"
        assert update.message.text == "/start ref42"
        assert update.message.entities[0].type == "bot_command"
        assert update.message.entities[0].length == len("/start")
        again = await bot.get_updates(offset=update.update_id, timeout=0)
        assert [u.update_id for u in again] == [update.update_id]  # not confirmed yet
        assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
        await emulator.wait_until_confirmed_async(update.update_id, timeout=1)
        # at-least-once: a confirmed update can be re-delivered with the same id
        emulator.redeliver(update.update_id)
        [dup] = await bot.get_updates(offset=update.update_id + 1, timeout=0)
        assert dup.update_id == update.update_id
        newer = emulator.user_sends_sticker(CHAT)
        assert newer > update.update_id
        [sticker] = await bot.get_updates(offset=update.update_id + 1, timeout=0)
        assert sticker.message.sticker.emoji
        assert emulator.pending_updates == [newer]


async def test_concurrent_get_updates_conflict(emulator: Emulator) -> None:
    # PTB's getUpdates client has a pool of one connection, so two instances are needed
    async with make_bot(emulator) as first, make_bot(emulator) as second:
        polling = asyncio.create_task(first.get_updates(timeout=3))
        await asyncio.sleep(0.2)
        assert await second.get_updates(timeout=0) == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await polling


async def test_message_too_long(emulator: Emulator) -> None:
    async with make_bot(emulator) as bot:
        await bot.send_message(CHAT, "x" * 4096)
        await bot.send_message(CHAT, "<b>" + "x" * 4090 + "</b> &amp;", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(CHAT, "x" * 4097)
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(CHAT, "<i>" + "&lt;" * 4097 + "</i>", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(CHAT, "<b> </b>", parse_mode="HTML")


async def test_callback_data_limit_and_answers(emulator: Emulator) -> None:
    async with make_bot(emulator) as bot:
        sent = await bot.send_message(CHAT, "ok", reply_markup=keyboard("é" * 32))  # 64 bytes
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(CHAT, "no", reply_markup=keyboard("é" * 32 + "x"))
        update_id = emulator.user_presses_button(CHAT, "É" * 32)
        [update] = await bot.get_updates(timeout=0)
        assert update.update_id == update_id
        query = update.callback_query
        assert query.data == "é" * 32 and query.message.message_id == sent.message_id
        assert query.message.reply_markup == sent.reply_markup
        assert await query.answer("Thanks")
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await query.answer()
    assert emulator.callback_answers[0]["text"] == "Thanks"
    with pytest.raises(AssertionError, match=r"available: \['ÉÉ"):
        emulator.user_presses_button(CHAT, "Missing")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
async def test_html_parse_errors(emulator: Emulator, text: str, error: str) -> None:
    async with make_bot(emulator) as bot:
        with pytest.raises(BadRequest, match=r"^Can't parse entities: ") as info:
            await bot.send_message(CHAT, text, parse_mode=ParseMode.HTML)
    # PTB strips "Bad Request: " and str.capitalize()s the rest, lower-casing it
    assert error.lower() in info.value.message
    # the same text is fine without parse mode
    assert emulator.messages(CHAT) == []


async def test_valid_html_entities(emulator: Emulator) -> None:
    text = (
        '<a href="https://e.x/?a=1&amp;b=2">link</a> <span class="tg-spoiler">s</span> '
        "<pre><code>c</code></pre> 🙂 <u>x</u> &#33; & <blockquote expandable>q</blockquote>"
    )
    async with make_bot(emulator) as bot:
        msg = await bot.send_message(CHAT, text, parse_mode="HTML")
    assert msg.text == "link s c 🙂 x ! & q"
    types = {e.type: (e.offset, e.length) for e in msg.entities}
    assert types["text_link"] == (0, 4) and types["spoiler"] == (5, 1)
    assert types["underline"] == (12, 1)  # the emoji counts as two UTF-16 code units
    assert msg.entities[0].url == "https://e.x/?a=1&b=2"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # retry_after
async def test_rate_limit_and_blocked_user(emulator: Emulator) -> None:
    emulator.fail_next("sendMessage", times=1, retry_after=3)
    async with make_bot(emulator) as bot:
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(CHAT, "hi")
        assert "Retry in 3 seconds" in str(info.value)
        await bot.send_message(CHAT, "hi")
        emulator.user_blocks_bot(CHAT)
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_message(CHAT, "hi")
    assert [m["text"] for m in emulator.messages(CHAT)] == ["hi"]


def test_sync_api_and_waits() -> None:
    """Blocking waits work from sync code while the bot runs in another thread."""

    async def bot_replies_later(emu: Emulator) -> None:
        async with make_bot(emu) as bot:
            [update] = await bot.get_updates(timeout=5)
            assert len(update.message.photo) == 2
            await asyncio.sleep(0.2)
            await bot.send_message(update.message.chat.id, "Nice photo")
            await bot.get_updates(offset=update.update_id + 1, timeout=0)

    with Emulator() as emu:
        with pytest.raises(AssertionError, match="pending updates"):
            emu.wait_for_messages(CHAT, 1, timeout=0.2)
        uid = emu.user_sends_photo(CHAT)
        assert emu.pending_updates == [uid]
        worker = threading.Thread(target=asyncio.run, args=(bot_replies_later(emu),))
        worker.start()
        assert emu.wait_for_text(CHAT, "photo", timeout=5)["message_id"] == 2
        assert emu.wait_until_confirmed(uid, timeout=5)
        worker.join(5)


async def test_blocking_wait_refused_inside_event_loop(emulator: Emulator) -> None:
    with pytest.raises(RuntimeError, match="_async"):
        emulator.wait_for_messages(CHAT, 1, timeout=0.1)


async def test_application_replies_to_start(emulator: Emulator) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"Hello! args={context.args}", reply_markup=keyboard("go"))

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(f"pressed {update.callback_query.data}")

    app = ApplicationBuilder().token(emulator.token).base_url(emulator.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        start_id = emulator.user_sends_text(CHAT, "/start hi")
        reply = await emulator.wait_for_text_async(CHAT, "Hello!", timeout=5)
        assert reply["text"] == "Hello! args=['hi']"
        emulator.user_presses_button(CHAT, "GO")
        edited = await emulator.wait_for_text_async(CHAT, "pressed go", timeout=5)
        assert edited["reply_markup"] is None and len(emulator.callback_answers) == 1
        await emulator.wait_until_confirmed_async(start_id, timeout=5)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert emulator.pending_updates == []
