"""End-to-end: /forget, /back, /restart, /help, shutdown, flood limits, two people at once."""

from __future__ import annotations

import time

from .conftest import BotProcess
from .emulator import Emulator
from .person import (
    AGREE,
    CONTINUE,
    FORGET_CONFIRM,
    INTRO,
    WAIT,
    WELCOME_BACK,
    Person,
    assert_every_query_answered,
    bullets,
    labels,
    question_of,
    summary_line,
)


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
