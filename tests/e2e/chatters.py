"""People who chat with the bot on their own, for crash and fault tests.

A Chatter reads the newest question its chat received, picks an answer at random from
its buttons and either presses it or types its number; after an outcome it presses
"Start again". Nothing about the shipped flow's questions is assumed. ``check`` compares
a stored session with what the person really did, using the emulator's message ids: a
typed answer may only count for the question the person had on screen when typing.
"""

from __future__ import annotations

import random
import time
from typing import Any

from .conftest import BotProcess
from .emulator import Emulator

JSON = dict[str, Any]


def buttons(message: JSON) -> list[JSON]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [button for row in rows for button in row]


def question_of(message: JSON) -> str | None:
    """The question id a message's answer buttons belong to (``a:<flow>:<question>:<option>``)."""
    ids = {
        b.get("callback_data", "").split(":")[2]
        for b in buttons(message)
        if b.get("callback_data", "").startswith("a:")
    }
    assert len(ids) <= 1, f"buttons of several questions on one message: {message}"
    return ids.pop() if ids else None


def newest_question(emulator: Emulator, chat_id: int, after: int) -> JSON | None:
    """The chat's newest message with answer buttons, if it is newer than ``after``."""
    keyed = [m for m in emulator.messages(chat_id) if answer_buttons(m)]
    return keyed[-1] if keyed and keyed[-1]["message_id"] > after else None


def answer_buttons(message: JSON) -> list[JSON]:
    return [b for b in buttons(message) if b.get("callback_data", "").startswith("a:")]


def sent_answer_buttons(message: JSON) -> list[JSON]:
    """The answer buttons a message had when sent (marking it answered removes them)."""
    first = message["history"][0] if message.get("history") else message
    return answer_buttons(first)


class Chatter:
    """One person answering whatever the bot asks."""

    def __init__(self, emulator: Emulator, bot: BotProcess, chat_id: int, rng: random.Random):
        self.emulator, self.bot, self.chat_id, self.rng = emulator, bot, chat_id, rng
        self.acted_on = 0  # id of the newest bot message acted on
        self.waiting_since = time.monotonic()
        self.actions: list[tuple[str, int, Any]] = []  # since the check began
        self.checks = 0  # finished checks that were verified
        self.answers = 0

    def begin(self) -> None:
        self.emulator.user_sends_text(self.chat_id, "/start")

    def waiting(self) -> bool:
        """True when the newest question or outcome was already acted on."""
        return self._newest() is None

    def _newest(self) -> JSON | None:
        keyed = [m for m in self.emulator.messages(self.chat_id) if buttons(m)]
        newest = keyed[-1] if keyed else None
        return newest if newest and newest["message_id"] > self.acted_on else None

    def act(self) -> bool:
        """Answer the newest question (or start again after an outcome); False if none."""
        message = self._newest()
        if message is None:
            return False
        self.acted_on = message["message_id"]
        self.waiting_since = time.monotonic()
        options = answer_buttons(message)
        if not options:  # an outcome: verify the finished check, then start again
            session = self.bot.session(self.chat_id)
            # "Start again" under an old outcome resumes a check in progress rather than
            # wiping it, so only an ended (or erased) check starts the record anew.
            if session is None or session["ended"]:
                if session is not None and self.actions:  # not a repeated outcome
                    self.check(session)
                self.actions = []
            restart = [b for b in buttons(message) if b["callback_data"] == "c:restart"]
            self.emulator.user_presses(self.chat_id, message["message_id"], "c:restart")
            assert restart, message
            return True
        index = self.rng.randrange(len(options))
        self.answers += 1
        if self.rng.random() < 0.5:
            data = options[index]["callback_data"]
            self.emulator.user_presses(self.chat_id, message["message_id"], data)
            self.actions.append(("press", message["message_id"], data))
        else:
            update_id = self.emulator.user_sends_text(self.chat_id, str(index + 1))
            typed_id = self.emulator.update(update_id)["message"]["message_id"]
            self.actions.append(("type", typed_id, index))
        return True

    def allowed(self) -> dict[str, set[str]]:
        """Question id -> options this person chose for it (typed: on the question shown)."""
        prompts = [m for m in self.emulator.messages(self.chat_id) if sent_answer_buttons(m)]
        chosen: dict[str, set[str]] = {}
        for kind, message_id, what in self.actions:
            if kind == "press":
                _, _, question, option = what.split(":")
            else:
                shown = [p for p in prompts if p["message_id"] < message_id]
                if not shown:
                    continue
                data = sent_answer_buttons(shown[-1])
                if what >= len(data):
                    continue
                _, _, question, option = data[what]["callback_data"].split(":")
            chosen.setdefault(question, set()).add(option)
        return chosen

    def transcript(self, last: int = 40) -> str:
        """The chat's newest messages and this person's actions, to explain a failure."""
        lines = []
        for m in self.emulator.messages(self.chat_id)[-last:]:
            data = [b.get("callback_data", "") for b in buttons(m)]
            lines.append(f"  #{m['message_id']} {str(m.get('text'))[:50]!r} {data}")
        return "messages:\n" + "\n".join(lines) + f"\nactions: {self.actions}"

    def check(self, session: JSON) -> None:
        """Each answered question once, each answer one the person gave to that question."""
        history = session["history"]
        assert len(history) == len(set(history)), f"a question answered twice: {history}"
        allowed = self.allowed()
        for question in history:
            answer = session["answers"][question]
            assert answer in allowed.get(question, set()), (
                f"chat {self.chat_id}: {question}={answer} was never given for that question "
                f"(given: {allowed}); history {history}\n{self.transcript()}"
            )
        self.checks += 1
