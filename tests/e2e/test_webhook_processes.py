"""Two real bot processes in webhook mode on one PostgreSQL database behave as one."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.conftest import Walker

from .chatters import answer_buttons
from .emulator import Emulator
from .webhook_bots import WebhookBot

CHAT = 7300


def choose(options: list[str]) -> str:
    """The answer this person gives: 'no' where there is one, else the first option."""
    return "no" if "no" in options else options[0]


def test_one_persons_updates_alternately_and_twice_to_two_processes(
    emulator: Emulator, tmp_path: Path, pg_url: str, flow
):
    bots = [WebhookBot(emulator, tmp_path, pg_url, name) for name in ("a", "b")]
    for bot in bots:
        bot.start()
    assert emulator.webhook["secret_token"] and "/telegram" in emulator.webhook["url"]
    rng = random.Random(9)
    pool = ThreadPoolExecutor(4)

    def deliver(update_id: int, turn: int) -> None:
        """To both processes at once, first one then the other leading, and once more."""
        update = emulator.update(update_id)
        first, second = bots[turn % 2], bots[(turn + 1) % 2]
        statuses = list(pool.map(lambda bot: bot.post(update), [first, second]))
        statuses.append(rng.choice(bots).post(update))  # Telegram's redelivery
        assert statuses == [200, 200, 200]

    def newest_question(after: int) -> dict | None:
        keyed = [m for m in emulator.messages(CHAT) if m["reply_markup"]]
        return keyed[-1] if keyed and keyed[-1]["message_id"] > after else None

    walker = Walker(flow)
    walker.start()
    deliver(emulator.user_sends_text(CHAT, "/start"), 0)
    seen, turn = 0, 1
    while True:
        message = emulator.wait_for(lambda s=seen: newest_question(s), 15, "the next question")
        seen = message["message_id"]
        buttons = answer_buttons(message)
        if not buttons:
            break  # an outcome
        _, _, question, _ = buttons[0]["callback_data"].split(":")
        option = choose([b["callback_data"].split(":")[3] for b in buttons])
        walker.press(option, question)
        deliver(emulator.user_presses(CHAT, seen, f"a:{flow.id}:{question}:{option}"), turn)
        turn += 1
        assert turn < 60, "the check never ended"

    session = bots[0].session(CHAT)
    assert session["answers"] == walker.session.answers
    assert session["history"] == list(walker.session.history)
    assert (session["state"], session["ended"]) == (walker.state, True)
    asked = [m["history"][0] if m["history"] else m for m in emulator.messages(CHAT)]
    questions = [
        answer_buttons(m)[0]["callback_data"].split(":")[2] for m in asked if answer_buttons(m)
    ]
    assert len(questions) == len(set(questions)), f"a question asked twice: {questions}"
    logs = [bot.log for bot in bots]
    for bot in bots:
        bot.terminate()
    assert sum(log.count("update_id=") for log in logs) == turn  # each update handled once
    assert all("Traceback" not in log for log in logs)
