"""A person chatting with the real bot process through the emulator, and what they see.

The constants are the texts a person meets; the flow's own texts are read from its YAML.
Shared by the end-to-end tests (``test_*_e2e.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .chatters import buttons, question_of
from .conftest import BotProcess
from .emulator import Emulator

FLOW_FILE = Path(__file__).resolve().parents[2] / "flows" / "nostril_twitch.yaml"
FLOW: dict[str, Any] = yaml.safe_load(FLOW_FILE.read_text(encoding="utf-8"))
QUESTIONS = {q["id"]: q for q in FLOW["questions"]}
SECTION_TITLES = {s["id"]: s["title"] for s in FLOW["sections"]}
TRIGGER_LABELS = {t["id"]: t["label"] for t in FLOW["triggers"]}

WAIT = 10.0  # generous; the happy path answers in milliseconds

# What a person sees (the flow's texts are checked through the YAML above).
INTRO = "Nostril twitch check"
CONSENT = "Before we start"
AGREE = "Yes, let's start"
USE_BUTTONS = "Please use the buttons, or type your answer as text."
INVALID_BUTTON = "That button is no longer valid. Please answer the latest question."
OLD_BUTTON = (
    "That button belongs to an earlier question, so nothing changed. Please answer the latest one."
)
FINISHED = "This check is finished."
NOT_UNDERSTOOD = "Sorry, I couldn't tell which answer you mean"
WELCOME_BACK = "Welcome back! You have an unfinished check."
RESUME_QUESTION = "Would you like to continue where you left off, or start over?"
CONTINUE = "Continue where I left off"
FORGET_CONFIRM = "This erases your answers and everything else stored about you. Are you sure?"
FINISHED_BUTTONS = ["📋 Summary", "🔄 Start again"]
REJECTED_LOG = "WARNING bot.channels.telegram.handlers: rejected callback data"
WARNINGS = ["emergency_signs", "face_weakness", "drooping", "eye_closing", "numbness"]
WARNINGS += ["limb_weakness", "speech", "swallowing", "body_twitching", "spreading", "during_sleep"]
DAYS, WEEKS = "Less than two weeks", "Two weeks or more"
RANK = {None: 0, "routine": 1, "urgent": 2, "emergency": 3}
ANNOUNCING = {o["red_flag"] for o in FLOW["outcomes"] if o.get("announce")}


# ---------------------------------------------------------------------------------- helpers
def labels(message: dict[str, Any]) -> list[str]:
    return [button["text"] for button in buttons(message)]


def bullets(text: str) -> list[str]:
    return [line[2:] for line in text.splitlines() if line.startswith("• ")]


def summary_line(question_id: str, label: str) -> str:
    question = QUESTIONS[question_id]
    return f"{question.get('short') or question['prompt']}: {label}"


def expected_summary_blocks(path: list[tuple[str, str]]) -> str:
    """The grouped part of a summary: a block per section, answers in the order given."""
    groups: dict[str, list[str]] = {}
    for question_id, label in path:
        section = QUESTIONS[question_id].get("section")
        if section:
            groups.setdefault(SECTION_TITLES[section], []).append(summary_line(question_id, label))
    return "\n\n".join(
        f"{title}:\n" + "\n".join(f"• {line}" for line in lines) for title, lines in groups.items()
    )


BARRIER_CHAT = 999_999  # a bystander whose /help marks "everything before was handled"


def settle(emulator: Emulator, bot: BotProcess) -> None:
    """Wait until the bot has fully handled every update queued so far.

    The bot stores fetched updates in order, so once the reply to a /help sent now from a
    bystander's chat arrives, all earlier updates are in its inbox; once the inbox and the
    outbox are empty, they are processed and everything they sent or edited is delivered.
    Deterministic, unlike waiting for quiet.
    """
    count = len(emulator.messages(BARRIER_CHAT)) + 1
    emulator.user_sends_text(BARRIER_CHAT, "/help")
    emulator.wait_for_messages(BARRIER_CHAT, count, WAIT)
    bot.wait_settled(WAIT)


class Person:
    """One person in a private chat with the bot (chat id == user id)."""

    def __init__(self, emulator: Emulator, bot: BotProcess, chat_id: int) -> None:
        self.emulator, self.bot, self.chat_id = emulator, bot, chat_id
        self.pressed = 0  # callback queries this person caused
        self.last_update_id = 0

    # ---- what the person sees
    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.emulator.messages(self.chat_id)

    def message(self, message_id: int) -> dict[str, Any]:
        return next(m for m in self.messages if m["message_id"] == message_id)

    def current_question(self) -> dict[str, Any]:
        """The newest message with answer buttons."""
        asked = [m for m in self.messages if question_of(m)]
        assert asked, f"no question asked in chat {self.chat_id}"
        return asked[-1]

    def session(self) -> dict[str, Any] | None:
        return self.bot.session(self.chat_id)

    # ---- what the person does
    def act(self, action, expect: int) -> list[dict[str, Any]]:
        before = len(self.messages)
        self.last_update_id = action()
        if not expect:
            return []
        wanted = before + expect
        return self.emulator.wait_for_messages(self.chat_id, wanted, WAIT)[before:]

    def says(self, text: str, expect: int = 1) -> list[dict[str, Any]]:
        """Send text; wait for ``expect`` new bot messages and return them."""
        return self.act(lambda: self.emulator.user_sends_text(self.chat_id, text), expect)

    def press(
        self, label: str, *, message_id: int | None = None, expect: int = 1
    ) -> list[dict[str, Any]]:
        """Press a button by label (on ``message_id`` or the newest keyboard)."""
        self.pressed += 1
        press = self.emulator.user_presses_button
        return self.act(lambda: press(self.chat_id, label, message_id=message_id), expect)

    def press_data(self, message_id: int, data: str) -> dict[str, Any]:
        """Send a callback query with any data; wait for and return the bot's answer."""
        self.pressed += 1
        before = len(self.emulator.callback_answers)
        self.last_update_id = self.emulator.user_presses(self.chat_id, message_id, data)
        answers = self.emulator.wait_for(
            lambda: self.emulator.callback_answers[before:], WAIT, f"an answer to {data!r}"
        )
        return answers[0]

    def answer(self, question_id: str, label: str) -> dict[str, Any]:
        """Press ``label`` on the current question; check it was marked answered and stored;
        return the next message (the next question or the outcome)."""
        asked = self.current_question()
        assert question_of(asked) == question_id, f"expected {question_id}, got {asked['text']}"
        expect = self.replies_to(question_id, label)
        *_, shown = self.press(label, message_id=asked["message_id"], expect=expect)
        self._check_answered(asked, label, shown)
        return shown

    def types(self, question_id: str, text: str, label: str) -> dict[str, Any]:
        """Type an answer to the current question; same checks as ``answer``."""
        asked = self.current_question()
        assert question_of(asked) == question_id, f"expected {question_id}, got {asked['text']}"
        *_, shown = self.says(text, expect=self.replies_to(question_id, label))
        self._check_answered(asked, label, shown)
        return shown

    def replies_to(self, question_id: str, label: str) -> int:
        """2 when this answer first reaches a tier the bot announces at once, else 1."""
        option = next(o for o in QUESTIONS[question_id]["options"] if o["label"] == label)
        tier = option.get("red_flag")
        seen = ((self.session() or {}).get("red_flags") or {}).values()
        first = tier in ANNOUNCING and all(RANK[s] < RANK[tier] for s in seen)
        return 2 if first else 1

    def walk(self, path: list[tuple[str, str]]) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        for question_id, label in path:
            shown = self.answer(question_id, label)
        return shown

    def _check_answered(self, asked: dict[str, Any], label: str, shown: dict[str, Any]) -> None:
        marked = self.message(asked["message_id"])
        assert marked["text"] == f"{asked['text']}\n\n✅ {label}", marked["text"]
        assert marked["reply_markup"] is None, "an answered question kept its buttons"
        # The step was committed before the reply went out: the database already shows it.
        stored = self.session()
        assert stored is not None
        if next_question := question_of(shown):
            assert stored["state"] == next_question and not stored["ended"]
        else:
            assert stored["ended"], f"{shown['text'][:80]!r} but stored state {stored['state']}"

    def starts(self) -> dict[str, Any]:
        """/start on a fresh session: the intro, then the consent question."""
        intro, consent = self.says("/start", expect=2)
        assert intro["text"].startswith(INTRO) and not buttons(intro)
        assert consent["text"].startswith(CONSENT)
        assert question_of(consent) == "consent"
        assert labels(consent) == [AGREE, "No, not now"]
        return consent


def assert_every_query_answered(emulator: Emulator, *people: Person) -> None:
    answers = emulator.callback_answers
    ids = [a["callback_query_id"] for a in answers]
    assert len(ids) == len(set(ids)) == sum(p.pressed for p in people), answers


# ------------------------------------------------------------------ 1. whole conversations
def _label(question_id: str, option_id: str) -> str:
    return next(o["label"] for o in QUESTIONS[question_id]["options"] if o["id"] == option_id)


NO_WARNINGS = [(question_id, _label(question_id, "no")) for question_id in WARNINGS]
TRIGGERS_PATH = [
    ("stress", "Yes"),
    ("anxiety", "No"),
    ("sleep", "No"),
    ("caffeine", _label("caffeine", "a_lot")),
    ("alcohol", "No"),
    ("fluids", _label("fluids", "little")),
    ("minerals", _label("minerals", "most_days")),
    ("medication", "No"),
    ("screens", "No"),
]
NO_TRIGGERS = [
    ("stress", "No"),
    ("anxiety", "No"),
    ("sleep", "No"),
    ("caffeine", _label("caffeine", "moderate")),
    ("alcohol", "No"),
    ("fluids", _label("fluids", "enough")),
    ("minerals", _label("minerals", "most_days")),
    ("medication", "No"),
    ("screens", "No"),
]
TIERS = {
    "emergency": dict(
        path=[("consent", AGREE), ("emergency_signs", "Yes")],
        title="🚨 CALL EMERGENCY SERVICES NOW",
        says=["112", "What you told me:"],
        told=[summary_line("emergency_signs", "Yes")],
        result="Call emergency services now",
    ),
    "see_doctor_soon": dict(
        path=[
            ("consent", AGREE),
            ("emergency_signs", "No"),
            ("face_weakness", "Yes"),
            *NO_WARNINGS[2:],
            ("sudden_onset", "No"),
            ("duration", DAYS),
            *NO_TRIGGERS,
        ],
        title="⚠️ Please see a doctor today or tomorrow",
        says=["contact a doctor today or tomorrow"],
        told=[summary_line("face_weakness", "Yes")],
        result="Please see a doctor today or tomorrow",
    ),
    "book_appointment": dict(
        path=[("consent", AGREE), *NO_WARNINGS, ("duration", WEEKS), *NO_TRIGGERS],
        title="🩺 Book a doctor's appointment",
        says=["book an appointment"],
        told=[summary_line("duration", WEEKS)],
        result="Book a doctor's appointment",
    ),
    "self_care": dict(
        path=[("consent", AGREE), *NO_WARNINGS, ("duration", DAYS), *TRIGGERS_PATH],
        title="🌿 No warning signs reported",
        says=[
            "You did not report any of the warning signs",
            next(o["triggers_intro"] for o in FLOW["outcomes"] if o["id"] == "self_care"),
        ],
        told=[
            f"{TRIGGER_LABELS[t]}: " + next(x["tip"] for x in FLOW["triggers"] if x["id"] == t)
            for t in ("stress", "caffeine", "minerals")
        ],
        result="No warning signs reported",
    ),
}
