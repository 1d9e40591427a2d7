"""A few patient stories (flows/tests/) told to the real bot process over the Bot API
emulator, typing and tapping like the person would: the same outcome as in the engine."""

from __future__ import annotations

from typing import Any

import pytest

from bot.flow import load_flow
from bot.scenarios import load_scenarios
from bot.scenarios.model import Typed
from tests.conftest import FLOW_PATH, ROOT

from .chatters import buttons, question_of
from .conftest import BotProcess
from .emulator import Emulator

FLOW = load_flow(FLOW_PATH)
STORIES = {
    s.name: s
    for path in sorted((ROOT / "flows" / "tests").glob("nostril_twitch*.yaml"))
    for s in load_scenarios(path).scenarios
}
CHOSEN = [
    "Student in exam season, typing everything",
    "Eye will not close, said in negative grammar",
    "Mini-stroke earlier today",
    "Husband says it doesn't stop at night (negative grammar)",
    "Grandmother, numb useless hand on Tuesday that came back",
]
WAIT = 10.0


@pytest.mark.parametrize("name", CHOSEN)
def test_story_end_to_end(emulator: Emulator, bot_process: BotProcess, name: str):
    story = STORIES[name]
    chat = 5000 + CHOSEN.index(name)

    def act_and_wait(action) -> dict[str, Any]:
        """Do something; return the bot's next message that carries buttons."""
        before = len(emulator.messages(chat))
        action()
        return emulator.wait_for(
            lambda: next((m for m in emulator.messages(chat)[before:] if buttons(m)), None),
            WAIT,
            "the next question or the outcome",
        )

    def tap(label: str):
        return lambda: emulator.user_presses_button(chat, label)

    def type_(text: str):
        return lambda: emulator.user_sends_text(chat, text)

    shown = act_and_wait(type_("/start"))
    for _ in range(60):
        question_id = question_of(shown)
        if question_id is None or FLOW.question(question_id) is None:
            break  # the outcome: Summary and Start again, or the offer of a check-in
        question = FLOW.question(question_id)
        planned = story.answer_for(question_id)
        meant = (
            planned.means
            if isinstance(planned, Typed)
            else (planned.tap if planned else question.mildest)
        )
        label = question.option(meant).label
        if not isinstance(planned, Typed):
            shown = act_and_wait(tap(label))
            continue
        shown = act_and_wait(type_(planned.say))
        if question_of(shown) == question_id:  # read back, or asked again
            marked = [b["text"] for b in buttons(shown) if b["text"].startswith("✓ ")]
            if marked == [f"✓ {label}"]:
                shown = act_and_wait(type_("correct"))
            else:  # asked again, or read back as something else: tap what was meant
                shown = act_and_wait(tap(label))
    outcome = FLOW.outcome(story.expect)
    if question_of(shown) == FLOW.checkins.offer.id:  # the outcome came just before the offer
        shown = emulator.messages(chat)[-2]
    assert outcome.title.upper() in shown["text"].upper(), shown["text"]
    for trigger in story.tips or ():
        assert FLOW.trigger(trigger).label in shown["text"]
    assert "not medical advice" in shown["text"]
