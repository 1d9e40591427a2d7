"""End-to-end: the real bot process (``python -m bot run``) against the Telegram emulator.

Every test starts the bot as a subprocess that long-polls the emulator over loopback HTTP,
with its own temporary SQLite database, and plays the person through the emulator: it asserts
what a person would see (messages, edits, buttons, callback notices) and, where it matters,
what got stored. The tests are synchronous: the emulator serves from its own thread.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml

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
def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [button for row in rows for button in row]


def labels(message: dict[str, Any]) -> list[str]:
    return [button["text"] for button in buttons(message)]


def question_of(message: dict[str, Any]) -> str | None:
    """The question id the message's answer buttons belong to (``a:<flow>:<question>:<option>``)."""
    ids = {
        b.get("callback_data", "").split(":")[2]
        for b in buttons(message)
        if b.get("callback_data", "").startswith("a:")
    }
    assert len(ids) <= 1, f"buttons of several questions on one message: {message}"
    return ids.pop() if ids else None


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


@pytest.mark.parametrize("tier", TIERS)
def test_whole_conversation_by_buttons(emulator: Emulator, bot_process: BotProcess, tier: str):
    case = TIERS[tier]
    person = Person(emulator, bot_process, 1001)
    person.starts()
    if tier == "self_care":  # the outcome, then the offer of a check-in: declined here
        (last_question, last_label), path = case["path"][-1], case["path"][:-1]
        person.walk(path)
        asked = person.current_question()
        assert question_of(asked) == last_question
        outcome, offer = person.press(last_label, message_id=asked["message_id"], expect=2)
        assert labels(offer) == ["In 1 week", "In 2 weeks", "No thanks"]
        (finished,) = person.press("No thanks", message_id=offer["message_id"])
        assert "no check-in" in finished["text"]
        assert labels(outcome) == []
    else:
        outcome = finished = person.walk(case["path"])

    # The outcome: title in bold first, the reported signs / triggers, the finished buttons.
    assert outcome["text"].startswith(case["title"] + "\n\n"), outcome["text"]
    assert outcome["raw_text"].startswith("<b>") and outcome["entities"][0]["type"] == "bold"
    for fragment in case["says"]:
        assert fragment in outcome["text"]
    assert bullets(outcome["text"]) == case["told"]
    assert "not medical advice" in outcome["text"]
    assert labels(finished) == FINISHED_BUTTONS
    assert person.messages[-1] == finished
    if tier == "self_care":  # exactly the triggers answered "yes" (or "a lot"), by label
        listed = [line.split(": ")[0] for line in bullets(outcome["text"])]
        assert listed == [
            "Stress or anxiety",
            "Caffeine and other stimulants",
            "Fluids and minerals",
        ]

    # Every question was marked answered and lost its keyboard; only the outcome has buttons.
    questions = [
        m for m in person.messages if m["history"] and question_of(m["history"][0]) in QUESTIONS
    ]
    assert len(questions) == len(case["path"])
    assert [m["text"].rsplit("✅ ", 1)[1] for m in questions] == [lbl for _, lbl in case["path"]]
    assert [m["message_id"] for m in person.messages if buttons(m)] == [finished["message_id"]]

    (summary,) = person.press("📋 Summary", message_id=finished["message_id"])
    assert summary["text"].startswith("📋 Summary: Nostril twitch check\n\nCheck started ")
    assert expected_summary_blocks(case["path"]) in summary["text"]
    assert len(bullets(summary["text"])) == len(case["path"]) - 1  # consent is not listed
    assert f"Result: {case['result']}" in summary["text"]

    intro, consent = person.press("🔄 Start again", message_id=finished["message_id"], expect=2)
    assert intro["text"].startswith(INTRO) and question_of(consent) == "consent"
    stored = person.session()
    assert stored["state"] == "consent" and stored["history"] == [] and not stored["ended"]
    assert all(a["text"] is None for a in emulator.callback_answers)  # no notices on this path
    assert_every_query_answered(emulator, person)


# ------------------------------------------------------------------ 2. typed answers
def test_free_text_answers(emulator: Emulator, bot_process: BotProcess):
    person = Person(emulator, bot_process, 1002)
    person.starts()
    person.types("consent", "yes", AGREE)
    person.types("emergency_signs", "2", "No")
    person.types("face_weakness", "nope", "No")
    asked = person.types("drooping", "not sure", "Not sure")
    assert question_of(asked) == "eye_closing"

    # Nonsense: a notice, then the same question again with its buttons; nothing stored changes.
    stored = person.session()
    shown_before = person.messages
    notice, again = person.says("purple elephants dance on tuesdays", expect=2)
    assert notice["text"].startswith(NOT_UNDERSTOOD) and not buttons(notice)
    assert again["text"] == asked["text"] and again["reply_markup"] == asked["reply_markup"]
    assert person.session() == stored
    assert person.messages[: len(shown_before)] == shown_before  # nothing was edited

    person.answer("eye_closing", "No")  # the re-asked question's buttons work
    person.types("numbness", "No.", "No")
    person.types("limb_weakness", "no, never", "No")
    person.types("speech", "nope", "No")
    person.types("swallowing", "not at all", "No")
    person.types("body_twitching", "no, I'm sure", "No")
    person.types("spreading", "n", "No")
    person.types("during_sleep", "I sleep alone", "Nobody has seen me asleep")
    person.types("sudden_onset", "gradually", "No")
    person.types("duration", "a few days", DAYS)
    for question_id, typed in [("stress", "no"), ("anxiety", "nah"), ("sleep", "I sleep fine")]:
        person.types(question_id, typed, "No")
    person.types("caffeine", "2 coffees a day", _label("caffeine", "moderate"))
    person.types("alcohol", "no", "No")
    person.types("fluids", "plenty", _label("fluids", "enough"))
    person.types("minerals", "most days", _label("minerals", "most_days"))
    person.types("medication", "no", "No")
    outcome = person.types("screens", "no", "No")
    assert outcome["text"].startswith("⚠️ Please see a doctor today or tomorrow")
    assert bullets(outcome["text"]) == [summary_line("drooping", "Not sure")]
    stored = person.session()
    assert {q: stored["answers"][q] for q in ("face_weakness", "drooping", "during_sleep")} == {
        "face_weakness": "no",
        "drooping": "not_sure",
        "during_sleep": "not_seen",
    }
    assert stored["answers"]["duration"] == "under_two_weeks"
    assert stored["answers"]["caffeine"] == "moderate"
    assert_every_query_answered(emulator, person)


# ------------------------------------------------------------------ 3. non-text input
def test_sticker_and_photo_get_a_polite_hint(emulator: Emulator, bot_process: BotProcess):
    person = Person(emulator, bot_process, 1003)
    person.starts()
    asked = person.answer("consent", AGREE)
    stored, shown = person.session(), person.messages

    (hint,) = person.act(lambda: emulator.user_sends_sticker(person.chat_id), 1)
    assert hint["text"] == USE_BUTTONS and not buttons(hint)
    (hint,) = person.act(lambda: emulator.user_sends_photo(person.chat_id), 1)
    assert hint["text"] == USE_BUTTONS
    settle(emulator, bot_process)

    assert person.session() == stored
    assert person.messages[: len(shown)] == shown and len(person.messages) == len(shown) + 2
    assert person.current_question() == asked  # still answerable
    assert question_of(person.answer("emergency_signs", "No")) == "face_weakness"


# ------------------------------------------------------------------ 4. crash and continue
def test_kill_then_press_a_button_sent_before_the_crash(
    emulator: Emulator, bot_process: BotProcess
):
    person = Person(emulator, bot_process, 1004)
    person.starts()
    asked = person.walk([("consent", AGREE), ("emergency_signs", "No"), ("face_weakness", "Yes")])
    assert question_of(asked) == "drooping"

    assert bot_process.kill() == -9
    assert person.session()["state"] == "drooping"  # survived the kill
    bot_process.restart()
    bot_process.wait_settled()  # a message sent just before the kill may come again

    # The old message's button still works: marked answered, next question sent.
    (nxt,) = person.press("No", message_id=asked["message_id"])
    assert person.message(asked["message_id"])["text"].endswith("✅ No")
    assert question_of(nxt) == "eye_closing"
    outcome = person.walk(
        [*NO_WARNINGS[3:], ("sudden_onset", "No"), ("duration", DAYS), *NO_TRIGGERS]
    )
    assert outcome["text"].startswith("⚠️ Please see a doctor today or tomorrow")
    told = [summary_line("face_weakness", "Yes")]  # from before the kill
    assert bullets(outcome["text"]) == told
    assert_every_query_answered(emulator, person)


def test_kill_then_start_offers_to_continue(emulator: Emulator, bot_process: BotProcess):
    person = Person(emulator, bot_process, 1005)
    person.starts()
    before = [("consent", AGREE), ("emergency_signs", "No"), ("face_weakness", "Yes")]
    before.append(("drooping", "No"))
    left = person.walk(before)
    assert question_of(left) == "eye_closing"

    bot_process.kill()
    bot_process.restart()

    welcome, offer = person.says("/start", expect=2)
    assert welcome["text"].startswith(
        f"{WELCOME_BACK}\n\nYour answers so far:\n"
        + "\n".join(f"• {summary_line(q, label)}" for q, label in before[1:])
        + "\n\nYou already told me about a warning sign"
    )
    assert offer["text"] == RESUME_QUESTION and labels(offer) == [CONTINUE, "Start over"]
    assert person.session()["offer_resume"] is True

    carry_on, asked = person.press(CONTINUE, message_id=offer["message_id"], expect=2)
    assert carry_on["text"] == "Let's carry on where you left off."
    assert question_of(asked) == "eye_closing" and asked["text"] == left["text"]
    assert person.message(offer["message_id"])["reply_markup"] is None
    assert person.session()["offer_resume"] is False

    person.types("eye_closing", "no", "No")  # typing works again after the restart
    path = [*NO_WARNINGS[4:], ("sudden_onset", "No"), ("duration", DAYS), *NO_TRIGGERS]
    outcome = person.walk(path)
    assert outcome["text"].startswith("⚠️ Please see a doctor today or tomorrow")
    (summary,) = person.press("📋 Summary", message_id=outcome["message_id"])
    full = [*before, ("eye_closing", "No"), *path]
    assert expected_summary_blocks(full) in summary["text"]
    assert_every_query_answered(emulator, person)


# ------------------------------------------------------------------ 5. stale buttons
def test_stale_buttons_change_nothing(emulator: Emulator, bot_process: BotProcess):
    person = Person(emulator, bot_process, 1006)
    consent = person.starts()
    emergency = person.answer("consent", AGREE)
    weakness = person.answer("emergency_signs", "No")
    drooping = person.answer("face_weakness", "No")
    (weakness_again,) = person.says("/back")
    assert question_of(weakness_again) == "face_weakness"

    # drooping's message still shows live buttons, but that question is no longer current;
    # the answered questions' old buttons (say, "Yes" on the emergency screen) are stale too.
    assert buttons(person.message(drooping["message_id"])), "still shows its buttons"
    assert person.message(weakness["message_id"])["text"].endswith("✅ No")
    stale = [
        (drooping["message_id"], "a:nostril_twitch:drooping:yes"),
        (emergency["message_id"], "a:nostril_twitch:emergency_signs:yes"),
        (consent["message_id"], "a:nostril_twitch:consent:decline"),
    ]
    stored, shown = person.session(), person.messages
    for message_id, data in stale:
        answer = person.press_data(message_id, data)
        assert answer["text"] == OLD_BUTTON and not answer["show_alert"]
    settle(emulator, bot_process)
    assert person.session() == stored and person.messages == shown
    assert stored["answers"]["emergency_signs"] == "no"  # the stale "Yes" did not count

    # The re-asked question works as usual.
    assert question_of(person.answer("face_weakness", "Yes")) == "drooping"

    # After the end, every question button says the check is finished.
    other = Person(emulator, bot_process, 2006)
    other.starts()
    screen = other.answer("consent", AGREE)
    other.answer("emergency_signs", "Yes")
    stored, shown = other.session(), other.messages
    answer = other.press_data(screen["message_id"], "a:nostril_twitch:emergency_signs:no")
    assert answer["text"].startswith(FINISHED)
    settle(emulator, bot_process)
    assert other.session() == stored and other.messages == shown
    assert_every_query_answered(emulator, person, other)


# ------------------------------------------------------------------ 6. forged callback data
FORGED = [
    "a:nostril_twitch:face_weakness:maybe",  # no such option
    "a:nope:x:y",  # no such flow
    "garbage",
    "a:nostril_twitch:face_weakness:" + "x" * 50,  # over Telegram's 64 bytes
    "a:nostril_twitch:../../etc:yes",
    "a:nostril_twitch:no_such_question:yes",
    "c:summary;DROP TABLE sessions",
    "f:yes ",
    "a:nostril_twitch:emergency_signs:yes\n",
    "",
]


def test_forged_callback_data_is_rejected(emulator: Emulator, bot_process: BotProcess):
    person = Person(emulator, bot_process, 1007)
    person.starts()
    asked = person.answer("consent", AGREE)
    stored, shown = person.session(), person.messages

    for data in FORGED:
        answer = person.press_data(asked["message_id"], data)
        assert answer["text"] == INVALID_BUTTON, data
    # A callback query without any data (e.g. a game button) is refused the same way.
    person.pressed += 1
    chat = {"id": person.chat_id, "type": "private", "first_name": "Test"}
    message = {"message_id": asked["message_id"], "date": asked["date"], "chat": chat}
    message.update({"from": emulator.bot_user, "text": asked["text"]})
    query = {"id": "777", "from": {"id": person.chat_id, "is_bot": False, "first_name": "Test"}}
    emulator.inject_raw_update(
        {"callback_query": {**query, "chat_instance": "-1", "message": message}}
    )
    emulator.wait_for(lambda: len(emulator.callback_answers) == person.pressed, WAIT, "answer")
    assert emulator.callback_answers[-1]["text"] == INVALID_BUTTON
    # Well-formed data of a real, but not the current, question is the engine's business.
    answer = person.press_data(asked["message_id"], "a:nostril_twitch:screens:yes")
    assert answer["text"] == OLD_BUTTON

    settle(emulator, bot_process)
    assert person.session() == stored and person.messages == shown
    rejected = bot_process.wait_for_log(REJECTED_LOG, count=len(FORGED) + 1)
    assert len(rejected) == len(FORGED) + 1
    assert any("'garbage'" in line for line in rejected)
    assert all(len(line.split(REJECTED_LOG, 1)[1]) < 140 for line in rejected)  # truncated
    # Still alive and well.
    assert bot_process.running
    assert question_of(person.answer("emergency_signs", "No")) == "face_weakness"
    assert_every_query_answered(emulator, person)


# ------------------------------------------------------------------ 7. duplicate updates
def test_duplicate_updates_are_ignored(emulator: Emulator, bot_process: BotProcess):
    person = Person(emulator, bot_process, 1008)
    person.starts()
    start_id = person.last_update_id
    person.types("consent", "yes", AGREE)
    typed_id = person.last_update_id
    person.answer("emergency_signs", "No")
    pressed_id = person.last_update_id

    def check_ignored(update_id: int, redeliver) -> None:
        stored, shown, answers = person.session(), person.messages, emulator.callback_answers
        seen = len(bot_process.log_lines(f"ignored duplicate update {update_id}"))
        redeliver()
        bot_process.wait_for_log(f"ignored duplicate update {update_id}", count=seen + 1)
        settle(emulator, bot_process)
        assert person.messages == shown, "a duplicate update got a second reply"
        assert person.session() == stored and emulator.callback_answers == answers

    for update_id in (start_id, typed_id, pressed_id):
        check_ignored(update_id, lambda update_id=update_id: emulator.redeliver(update_id))

    # The same raw update injected twice with one update_id: processed once.
    message = {"message_id": 90_001, "date": int(time.time()), "text": "no"}
    message["from"] = {"id": person.chat_id, "is_bot": False, "first_name": "Test"}
    message["chat"] = {"id": person.chat_id, "type": "private", "first_name": "Test"}
    raw = {"update_id": 700_000, "message": message}
    count = len(person.messages) + 1
    emulator.inject_raw_update(raw)
    asked = emulator.wait_for_messages(person.chat_id, count, WAIT)[-1]
    assert question_of(asked) == "drooping" and person.session()["answers"]["face_weakness"] == "no"
    check_ignored(700_000, lambda: emulator.inject_raw_update(raw))

    # Processed update ids are durable: a redelivery after a crash is still ignored.
    bot_process.restart()
    check_ignored(typed_id, lambda: emulator.redeliver(typed_id))
    check_ignored(700_000, lambda: emulator.inject_raw_update(raw))
    assert question_of(person.answer("drooping", "No")) == "eye_closing"
    assert_every_query_answered(emulator, person)


@pytest.mark.parametrize("kind", ["sticker", "/help", "/forget"])
def test_redelivered_update_without_session_step_gets_no_second_reply(
    emulator: Emulator, bot_process: BotProcess, kind: str
):
    person = Person(emulator, bot_process, 1009)
    person.starts()
    if kind == "sticker":
        person.act(lambda: emulator.user_sends_sticker(person.chat_id), 1)
    else:
        person.says(kind)
    settle(emulator, bot_process)
    shown = person.messages
    emulator.redeliver(person.last_update_id)
    settle(emulator, bot_process)
    assert person.messages == shown, f"a redelivered {kind} was answered twice"


def test_redelivered_forget_confirmation_keeps_the_new_session(
    emulator: Emulator, bot_process: BotProcess
):
    person = Person(emulator, bot_process, 1010)
    person.starts()
    person.answer("consent", AGREE)
    (confirm,) = person.says("/forget")
    person.press("Yes, erase everything", message_id=confirm["message_id"], expect=0)
    emulator.wait_for(lambda: "erased" in person.message(confirm["message_id"])["text"], WAIT)
    erase_id = person.last_update_id
    assert person.session() is None

    person.starts()
    person.answer("consent", AGREE)
    stored = person.session()
    emulator.redeliver(erase_id)  # Telegram's at-least-once delivery
    settle(emulator, bot_process)
    assert person.session() == stored, "a redelivered update erased the newer session"


# ------------------------------------------------------------------ 8. /forget
def test_forget_erases_only_when_confirmed(emulator: Emulator, bot_process: BotProcess):
    person = Person(emulator, bot_process, 1011)
    person.starts()
    person.walk([("consent", AGREE), ("emergency_signs", "No")])
    stored = person.session()

    def forget(choice: str) -> str:
        (confirm,) = person.says("/forget")
        assert confirm["text"] == FORGET_CONFIRM
        assert labels(confirm) == ["Yes, erase everything", "No, keep it"]
        person.press(choice, message_id=confirm["message_id"], expect=0)
        done = emulator.wait_for(
            lambda: (m := person.message(confirm["message_id"]))["edited"] and m, WAIT, "edit"
        )
        assert done["reply_markup"] is None
        return done["text"]

    assert forget("No, keep it") == "Okay, nothing was erased."
    assert person.session() == stored
    summary, asked = person.says("/summary", expect=2)
    assert bullets(summary["text"]) == [summary_line("emergency_signs", "No")]
    assert "Result: not finished yet." in summary["text"] and question_of(asked) == "face_weakness"

    assert "has been erased" in forget("Yes, erase everything")
    assert person.session() is None
    shown = len(person.messages)
    person.starts()  # a fresh start: no "Welcome back", no Continue offer
    assert not any(WELCOME_BACK in m["text"] for m in person.messages[shown:])
    stored = person.session()
    assert stored["state"] == "consent" and stored["answers"] == {}

    assert "has been erased" in forget("Yes, erase everything")
    assert forget("Yes, erase everything").startswith("There was nothing stored about you.")
    assert person.session() is None
    assert_every_query_answered(emulator, person)


# ------------------------------------------------------------------ 9. commands
def test_commands_back_restart_help(emulator: Emulator, bot_process: BotProcess):
    names = [command["command"] for command in emulator.commands]
    assert names == ["start", "back", "restart", "summary", "export", "checkins", "forget", "help"]
    assert all(command["description"] for command in emulator.commands)

    person = Person(emulator, bot_process, 1012)
    (help_,) = person.says("/help")
    assert help_["text"].startswith("How this works")
    for name in names:
        assert f"\n/{name} – " in help_["text"]
    (nothing,) = person.says("/summary")
    assert nothing["text"].startswith("You haven't answered anything yet.")
    (unknown,) = person.says("/frobnicate")
    assert unknown["text"].startswith("I don't know that command.") and "/forget" in unknown["text"]
    assert person.session() is None

    person.starts()
    notice, consent = person.says("/back", expect=2)
    assert notice["text"] == "This is the first question, so there is nothing to go back to."
    assert question_of(consent) == "consent"

    person.walk([("consent", AGREE), ("emergency_signs", "No")])
    (again,) = person.says("/back")
    assert question_of(again) == "emergency_signs"
    assert again["text"].startswith("Emergency signs · question 2\n\nRight now")
    stored = person.session()
    assert stored["state"] == "emergency_signs" and stored["history"] == ["consent"]
    assert "emergency_signs" not in stored["answers"]
    asked = person.answer("emergency_signs", "No")
    assert asked["text"].startswith("Warning signs · question 3")

    person.answer("face_weakness", "Yes")
    intro, consent = person.says("/restart", expect=2)
    assert intro["text"].startswith(INTRO) and question_of(consent) == "consent"
    stored = person.session()
    assert stored["state"] == "consent" and stored["answers"] == {} and not stored["red_flags"]
    assert_every_query_answered(emulator, person)


# ------------------------------------------------------------------ 10. SIGTERM
def test_sigterm_stops_gracefully(emulator: Emulator, bot_process: BotProcess):
    person = Person(emulator, bot_process, 1013)
    person.starts()
    person.walk([("consent", AGREE), ("emergency_signs", "No")])

    took = bot_process.terminate()  # asserts exit code 0
    assert took < 5.0
    assert "Application.stop() complete" in bot_process.log

    bot_process.start()  # same database: the person continues
    welcome, offer = person.says("/start", expect=2)
    assert welcome["text"].startswith(WELCOME_BACK) and labels(offer)[0] == CONTINUE
    _, asked = person.press(CONTINUE, message_id=offer["message_id"], expect=2)
    assert question_of(asked) == "face_weakness"
    assert bot_process.terminate() < 5.0


# ------------------------------------------------------------------ 11. 429 Too Many Requests
def test_flood_limits_are_retried(emulator: Emulator, bot_process: BotProcess):
    person = Person(emulator, bot_process, 1014)
    emulator.fail_next("sendMessage", times=1, retry_after=1)
    began = time.monotonic()
    person.starts()  # intro first, then the question: the retry keeps the order
    assert time.monotonic() - began >= 1.0
    sends = [params for name, params in emulator.calls if name == "sendMessage"]
    assert len(sends) == 3 and sends[0]["text"] == sends[1]["text"]  # refused once, resent

    emulator.fail_next("editMessageText", times=1, retry_after=1)
    person.answer("consent", AGREE)  # the answered question still gets marked
    assert len([name for name, _ in emulator.calls if name == "editMessageText"]) == 2
    assert len(bot_process.log_lines("Rate limit hit")) == 2
    assert_every_query_answered(emulator, person)


# ------------------------------------------------------------------ 12. two people at once
def test_two_people_do_not_see_each_others_answers(emulator: Emulator, bot_process: BotProcess):
    ann, bob = Person(emulator, bot_process, 3001), Person(emulator, bot_process, 3002)

    def together(*actions) -> None:
        """Queue both people's updates at once, then wait for both replies."""
        counts = [(p, len(p.messages) + n) for p, _, n in actions]
        for person, act, _ in actions:
            person.last_update_id = act()
        for person, count in counts:
            emulator.wait_for_messages(person.chat_id, count, WAIT)

    def press(person: Person, label: str):
        person.pressed += 1
        asked = person.current_question()
        return lambda: emulator.user_presses_button(person.chat_id, label, asked["message_id"])

    def text(person: Person, words: str):
        return lambda: emulator.user_sends_text(person.chat_id, words)

    together((ann, text(ann, "/start"), 2), (bob, text(bob, "/start"), 2))
    together((ann, press(ann, AGREE), 1), (bob, text(bob, "yes"), 1))
    together((bob, text(bob, "not sure"), 1), (ann, press(ann, "No"), 1))
    together((ann, press(ann, "Yes"), 2), (bob, text(bob, "/summary"), 1))
    together((ann, text(ann, "/summary"), 2))

    # Ann: consent, emergency "No", face weakness "Yes": now asked about drooping.
    ann_texts = [m["text"] for m in ann.messages]
    assert question_of(ann.messages[-1]) == "drooping"
    ann_summary = ann.messages[-2]["text"]
    assert bullets(ann_summary) == [
        summary_line("emergency_signs", "No"),
        summary_line("face_weakness", "Yes"),
    ]
    assert "Result: not finished yet." in ann_summary
    assert not any("EMERGENCY" in t or "Not sure" in t for t in ann_texts)

    # Bob: typed "yes", then "not sure" on the emergency screen: the emergency outcome.
    bob_texts = [m["text"] for m in bob.messages]
    assert bob_texts[-2].startswith("🚨 CALL EMERGENCY SERVICES NOW")
    assert bullets(bob_texts[-1]) == [summary_line("emergency_signs", "Not sure")]
    assert not any("Warning signs" in t for t in bob_texts)
    # Typed answers marked Bob's own question messages, pressed ones Ann's.
    assert [t.rsplit("✅ ", 1)[1] for t in bob_texts if "✅" in t] == [AGREE, "Not sure"]
    assert [t.rsplit("✅ ", 1)[1] for t in ann_texts if "✅" in t] == [AGREE, "No", "Yes"]

    assert ann.session()["state"] == "drooping" and not ann.session()["ended"]
    assert bob.session()["state"] == "emergency" and bob.session()["ended"]
    assert ann.session()["answers"] == {
        "consent": "agree",
        "emergency_signs": "no",
        "face_weakness": "yes",
    }
    assert bob.session()["answers"] == {"consent": "agree", "emergency_signs": "not_sure"}
    assert_every_query_answered(emulator, ann, bob)
