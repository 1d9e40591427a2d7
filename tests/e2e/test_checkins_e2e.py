"""Follow-up check-ins told to the real bot process over the Bot API emulator.

The bot runs with the test-only TEST_CLOCK_SHIFT_FILE, so the test moves its clock a week
ahead instead of waiting: the check-in the person asked for arrives and is answered; one
cancelled with /checkins, one of a person who erased their data and one of a person who
blocked the bot are never delivered, and the bot carries on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.flow import load_flow
from tests.conftest import FLOW_PATH

from .chatters import buttons, question_of
from .conftest import BotProcess
from .emulator import Emulator

FLOW = load_flow(FLOW_PATH)
WAIT = 10.0
WEEK_S = 7 * 24 * 3600


class Chat:
    def __init__(self, emulator: Emulator, chat_id: int):
        self.emulator, self.id = emulator, chat_id

    def act(self, action) -> dict[str, Any]:
        """Do something; return the bot's next message that carries buttons."""
        before = len(self.emulator.messages(self.id))
        action()
        return self.emulator.wait_for(
            lambda: next((m for m in self.emulator.messages(self.id)[before:] if buttons(m)), None),
            WAIT,
            f"the next question in chat {self.id}",
        )

    def tap(self, label: str) -> dict[str, Any]:
        return self.act(lambda: self.emulator.user_presses_button(self.id, label))

    def send(self, text: str) -> dict[str, Any]:
        return self.act(lambda: self.emulator.user_sends_text(self.id, text))

    def to_offer(self) -> dict[str, Any]:
        """Do the check with no warning sign and no trigger, up to the check-in offer."""
        shown = self.send("/start")
        while (question := FLOW.question(question_of(shown) or "")) is not None:
            shown = self.tap(question.option(question.mildest).label)
        assert question_of(shown) == "checkin_offer", shown["text"]
        return shown


@pytest.fixture
def clocked_bot(emulator: Emulator, tmp_path: Path):
    bot = BotProcess(emulator, tmp_path)
    shift = tmp_path / "clock-shift"
    shift.write_text("0")
    bot.extra_env["TEST_CLOCK_SHIFT_FILE"] = str(shift)
    try:
        yield bot.start(), shift
    finally:
        bot.cleanup()
    assert not bot.error_lines(), bot.log


def test_check_ins_fire_after_a_week_and_only_for_who_still_wants_them(
    emulator: Emulator, clocked_bot: tuple[BotProcess, Path]
):
    bot, shift = clocked_bot
    answers, cancels, forgets, blocks = (Chat(emulator, 8001 + i) for i in range(4))
    for chat in (answers, cancels, forgets, blocks):
        chat.to_offer()
        chat.tap("In 1 week")
        emulator.wait_for_text(chat.id, "check in with you on", WAIT)
    assert len(bot.query("SELECT id FROM checkins")) == 4

    listing = cancels.send("/checkins")
    assert "Your check-ins" in listing["text"] and "UTC" in listing["text"]
    emulator.user_presses_button(cancels.id, "Cancel")
    emulator.wait_for(
        lambda: "no check-ins scheduled" in emulator.last_message(cancels.id)["text"],
        WAIT,
        "the list without it",
    )
    forgets.send("/forget")
    emulator.user_presses_button(forgets.id, "Yes, erase everything")
    emulator.wait_for_text(forgets.id, "has been erased", WAIT)
    emulator.user_blocks_bot(blocks.id)
    before = {c.id: len(emulator.messages(c.id)) for c in (cancels, forgets, blocks)}

    shift.write_text(str(WEEK_S + 60))  # a week later
    shown = answers.act(lambda: None)
    assert "Hello again" in emulator.messages(answers.id)[-2]["text"]
    assert question_of(shown) == "checkin_signs"
    assert question_of(answers.tap("No")) == "checkin_progress"
    answers.tap("It's gone")
    emulator.wait_for_text(answers.id, "the twitching has stopped", WAIT)
    bot.wait_for_log("outbox: dropped message", count=2)  # the blocked person's two messages
    bot.wait_settled()
    assert bot.query("SELECT id FROM checkins") == []
    assert {c.id: len(emulator.messages(c.id)) for c in (cancels, forgets, blocks)} == before
    assert bot.running and "telegram:" not in "".join(bot.log_lines("check-ins"))


def test_a_check_in_survives_a_restart(emulator: Emulator, clocked_bot: tuple[BotProcess, Path]):
    bot, shift = clocked_bot
    chat = Chat(emulator, 8101)
    chat.to_offer()
    chat.tap("In 2 weeks")
    emulator.wait_for_text(chat.id, "check in with you on", WAIT)
    bot.kill()
    shift.write_text(str(2 * WEEK_S + 60))
    bot.start()
    shown = emulator.wait_for(
        lambda: next(
            (m for m in emulator.messages(chat.id) if question_of(m) == "checkin_signs"), None
        ),
        WAIT,
        "the check-in after the restart",
    )
    assert shown is not None
    chat.tap("No")
    emulator.user_presses_button(chat.id, "About the same")
    emulator.wait_for_text(chat.id, "Book a doctor", WAIT)
