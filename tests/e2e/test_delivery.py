"""Ordering, de-duplication and flood limits, end to end against the real bot process."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.engine import Answer, Start, step
from bot.flow import Flow

from .chatters import answer_buttons
from .conftest import BotProcess
from .emulator import Emulator

WAIT = 20.0


def long_path(flow: Flow, length: int) -> list[tuple[str, str]]:
    """(question, option) pairs the engine walks through, avoiding outcomes when it can."""
    now = datetime.now(UTC)
    session, reply = step(flow, None, Start(), now)
    path: list[tuple[str, str]] = []
    while reply.prompt is not None and len(path) < length:
        question = reply.prompt.question_id
        tries = []
        for choice in reply.prompt.choices:
            event = Answer(option_id=choice.id, question_id=question, flow_id=flow.id)
            tries.append((choice.id, *step(flow, session, event, now)))
        option, session, reply = next((t for t in tries if not t[1].ended), tries[0])
        path.append((question, option))
    return path


def first_question(emulator: Emulator, chat_id: int) -> dict:
    emulator.user_sends_text(chat_id, "/start")
    return emulator.wait_for(
        lambda: next((m for m in emulator.messages(chat_id) if answer_buttons(m)), None),
        WAIT,
        "the first question",
    )


def test_twenty_updates_at_once_are_applied_in_order_each_once(
    emulator: Emulator, bot_on: BotProcess, flow: Flow
):
    bot_process = bot_on.start()
    chat = 9100
    asked = first_question(emulator, chat)
    path = long_path(flow, 10)
    with emulator.at_once():  # one getUpdates batch: every press a double tap
        for question, option in path:
            for _ in range(2):
                emulator.user_presses(chat, asked["message_id"], f"a:{flow.id}:{question}:{option}")
    presses = 2 * len(path)
    emulator.wait_for(lambda: len(emulator.callback_answers) >= presses, WAIT, "every answer")
    bot_process.wait_settled(WAIT)
    session = bot_process.session(chat)
    assert list(session["history"]) == [q for q, _ in path]
    assert session["answers"] == dict(path)
    assert session["row_version"] == 1 + len(path)  # the start, then one save per answer
    ids = [a["callback_query_id"] for a in emulator.callback_answers]
    assert len(ids) == len(set(ids)) == presses


def test_a_flood_limit_beyond_the_retries_delays_the_reply_but_sends_it_once(
    emulator: Emulator, bot_on: BotProcess, flow: Flow
):
    bot_process = bot_on.start()
    chat = 9200
    asked = first_question(emulator, chat)
    (question, option), (second, _) = long_path(flow, 2)
    # The rate limiter retries 3 times, then the outbox waits retry_after and tries again.
    emulator.fail_next("sendMessage", times=5, retry_after=1)
    emulator.user_presses(chat, asked["message_id"], f"a:{flow.id}:{question}:{option}")
    bot_process.wait_for_log("flood limit")
    # The person types before the next question arrived: it must not be applied to it.
    emulator.user_sends_text(chat, "1")
    bot_process.wait_settled(WAIT)
    prompts = [m for m in emulator.messages(chat) if answer_buttons(m)]
    asked_second = [m for m in prompts if f":{second}:" in str(m["reply_markup"])]
    assert len(asked_second) == 1, "the question after the flood limit came more than once"
    session = bot_process.session(chat)
    assert session["state"] == second and second not in session["answers"]
    # Typed after it arrived, the same answer counts.
    emulator.user_sends_text(chat, "1")
    bot_process.wait_settled(WAIT)
    assert second in bot_process.session(chat)["answers"]


def test_the_token_never_appears_in_the_log_even_at_debug(emulator: Emulator, tmp_path):
    bot = BotProcess(emulator, tmp_path)
    bot.extra_env["LOG_LEVEL"] = "DEBUG"
    try:
        bot.start()
        first_question(emulator, 9500)
        bot.terminate()
    finally:
        bot.cleanup()
    secret = emulator.token.split(":", 1)[1]
    # python-telegram-bot's DEBUG lines are held back (they dump whole updates, see
    # bot/privacy/redaction.py); the bot's own and asyncio's DEBUG lines show the level.
    assert " DEBUG " in bot.log and secret not in bot.log
