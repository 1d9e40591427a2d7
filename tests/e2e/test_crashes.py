"""SIGKILL at random moments while people chat: nothing lost, nothing applied twice."""

from __future__ import annotations

import itertools
import random
import sqlite3
import time

import pytest

from .chatters import Chatter
from .conftest import BotProcess
from .emulator import Emulator

PEOPLE = 4
STUCK_AFTER_S = 20.0  # a person waiting this long for the bot (while it runs) was lost


def chat_and_kill(emulator: Emulator, bot: BotProcess, kills: int, budget_s: float) -> list:
    """Let people chat while the bot is killed ``kills`` times; return the people."""
    rng = random.Random(8)
    people = [Chatter(emulator, bot, 7000 + i, rng) for i in range(PEOPLE)]
    bot.start()
    for person in people:
        person.begin()
    deadline = time.monotonic() + budget_s
    done = 0
    while done < kills:
        assert time.monotonic() < deadline, f"only {done} kills in {budget_s}s"
        kill_at = time.monotonic() + rng.uniform(0.05, 0.8)
        while time.monotonic() < kill_at:
            for person in people:
                if rng.random() < 0.7:
                    person.act()
                lost = time.monotonic() - person.waiting_since
                assert lost < STUCK_AFTER_S, f"chat {person.chat_id} got no reply in {lost:.0f}s"
            time.sleep(0.01)
        bot.kill()
        done += 1
        time.sleep(rng.uniform(0, 0.2))  # people keep typing while the bot is down
        for person in people:
            if rng.random() < 0.5:
                person.act()
        bot.start()
        for person in people:  # the restart is not the person's fault
            person.waiting_since = time.monotonic()
    return people


def repeated(messages: list[dict]) -> int:
    """Messages sent twice in a row with the same text (as first sent)."""
    texts = [(m["history"][0] if m["history"] else m)["text"] for m in messages]
    return sum(a == b for a, b in itertools.pairwise(texts))


@pytest.mark.parametrize("kills", [30])
def test_sigkill_loses_nothing_and_applies_nothing_twice(
    emulator: Emulator, bot_on: BotProcess, kills: int, database_url: str
):
    if database_url.startswith("postgresql"):
        kills = 10  # the same code; SQLite takes the full count
    people = chat_and_kill(emulator, bot_on, kills, budget_s=150)
    # Without typing anything, everyone gets their pending question (or outcome).
    bot_on.wait_settled(timeout=20)
    for person in people:
        what = f"a reply in chat {person.chat_id}"
        emulator.wait_for(lambda p=person: not p.waiting(), 10, what)
        session = bot_on.session(person.chat_id)
        pending = [m for m in emulator.messages(person.chat_id) if m.get("reply_markup")][-1]
        if session is None:  # declined at the first question: nothing kept, outcome shown
            assert "c:restart" in str(pending["reply_markup"])
            continue
        person.check(session)
        if not session["ended"]:
            data = pending["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            assert data.split(":")[2] in (session["state"], "_resume"), (data, session["state"])
    assert sum(p.answers for p in people) > kills, "the people hardly chatted"
    # A kill between sending and confirming repeats the message in flight: at most one per
    # person and kill (people are served concurrently, so several people may each get one).
    repeats = [repeated(emulator.messages(p.chat_id)) for p in people]
    print(f"{kills} kills, {sum(p.answers for p in people)} answers, repeats {repeats}")
    assert max(repeats) <= kills
    assert not emulator.pending_updates
    if database_url.startswith("sqlite"):
        with sqlite3.connect(bot_on.db_path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    bot_on.terminate()
