"""End-to-end: restarts, old and forged buttons, and updates delivered twice."""

from __future__ import annotations

import time

import pytest

from .conftest import BotProcess
from .emulator import Emulator
from .person import (
    AGREE,
    CONTINUE,
    DAYS,
    FINISHED,
    INVALID_BUTTON,
    NO_TRIGGERS,
    NO_WARNINGS,
    OLD_BUTTON,
    REJECTED_LOG,
    RESUME_QUESTION,
    WAIT,
    WELCOME_BACK,
    Person,
    assert_every_query_answered,
    bullets,
    buttons,
    expected_summary_blocks,
    labels,
    question_of,
    settle,
    summary_line,
)


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
    bot_process.wait_settled()  # a message sent just before the kill may come again

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
