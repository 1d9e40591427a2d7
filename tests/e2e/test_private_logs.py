"""No personal data in the log, even at DEBUG: names, usernames, typed words, chat ids."""

from __future__ import annotations

from .conftest import BotProcess
from .emulator import Emulator
from .person import AGREE, Person, settle

CHAT_ID = 7_345_812_901
FIRST_NAME, LAST_NAME, USERNAME = "Zephyrine", "Quillfeather", "zeph_q_private"
TYPED = "Marmaladequokka thinks so"  # words the bot cannot read as an answer


def test_debug_log_holds_no_personal_data(emulator: Emulator, bot_process: BotProcess):
    bot_process.terminate()
    bot_process.extra_env["LOG_LEVEL"] = "DEBUG"
    bot_process.start()
    emulator.set_profile(CHAT_ID, first_name=FIRST_NAME, last_name=LAST_NAME, username=USERNAME)
    person = Person(emulator, bot_process, CHAT_ID)
    person.starts()
    person.answer("consent", AGREE)
    person.says(TYPED, expect=2)  # asked again: a notice and the question
    person.types("emergency_signs", "no", "No")
    summary, _ = person.says("/summary", expect=2)
    person.press("PDF for a doctor", message_id=summary["message_id"], expect=1)
    person.says("/export", expect=1)
    (confirm,) = person.says("/forget")
    person.press("Yes, erase everything", message_id=confirm["message_id"], expect=0)
    settle(emulator, bot_process)
    bot_process.terminate()

    log = bot_process.log
    assert " DEBUG " in log, "the bot did not log at DEBUG"
    for secret in (FIRST_NAME, LAST_NAME, USERNAME, "Marmaladequokka", str(CHAT_ID)):
        leaks = [line for line in log.splitlines() if secret in line]
        assert not leaks, f"{secret!r} in the log:\n" + "\n".join(leaks[:5])
