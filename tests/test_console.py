"""The terminal chat, driven through stdin of a real process, end to end."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import NO_WARNINGS, ROOT


def chat(tmp_path, lines: list[str], *extra: str, clock_shift=None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'chat.sqlite3'}",
        "FLOWS_DIR": str(ROOT / "flows"),
        "TELEGRAM_BOT_TOKEN": "",
    }
    if clock_shift is not None:
        env["TEST_CLOCK_SHIFT_FILE"] = str(clock_shift)
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", *extra],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )


def test_a_whole_check_by_typed_answers(tmp_path):
    done = chat(tmp_path, ["yes", *NO_WARNINGS, "1", "yes", "no", "no", "5 coffees a day", "no",
                           "enough", "most days", "no", "no", "no thanks"])  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "not medical advice" in out
    assert "1) Yes" in out and "3) Not sure" in out
    assert "No warning signs reported" in out
    assert "Stress or anxiety:" in out and "Caffeine and other stimulants:" in out
    assert "Shall I check in with you later" in out and "no check-in" in out
    assert "Type /summary" in out


def test_a_check_in_that_fell_due_is_asked_when_the_chat_opens(tmp_path):
    everyday = ["yes", *NO_WARNINGS, "1", "no", "no", "no", "none", "no", "enough", "most days",
                "no", "no"]  # fmt: skip
    first = chat(tmp_path, [*everyday, "in 1 week"]).stdout
    assert "I'll check in with you on" in first
    assert "Hello again" not in chat(tmp_path, ["/quit"]).stdout  # not due yet
    shift = tmp_path / "clock-shift"
    shift.write_text(str(8 * 24 * 3600))
    later = chat(tmp_path, ["no", "it's gone"], clock_shift=shift).stdout
    assert "Hello again" in later and "How is the twitching now" in later
    assert "the twitching has stopped" in later


def test_declining_stores_nothing_and_says_so(tmp_path):
    out = chat(tmp_path, ["no", "/quit"]).stdout
    assert "nothing about you has been asked or stored" in out
    assert "Nothing about you is stored" in out and "answers are saved" not in out
    assert "Welcome back" not in chat(tmp_path, ["/quit"]).stdout


def test_quitting_halfway_and_resuming_in_a_new_process(tmp_path):
    first = chat(tmp_path, ["yes", "no", "not sure", "/quit"])
    assert first.returncode == 0 and "answers are saved" in first.stdout
    second = chat(tmp_path, ["1", "no", "/summary"])
    out = second.stdout
    assert "Welcome back" in out
    assert "Face muscles weak or hard to move: Not sure" in out
    assert "already told me about a warning sign" in out
    assert "Part of the face drooping: No" in out  # answered after continuing
    assert "[Warning signs · question 5]" in out


def test_end_of_input_keeps_the_answers(tmp_path):
    chat(tmp_path, ["yes", "no"])
    again = chat(tmp_path, ["start over", "/back"])
    assert "Welcome back" in again.stdout
    assert "first question" in again.stdout  # started over: back has nowhere to go


def test_commands_and_unclear_answers(tmp_path):
    out = chat(tmp_path, ["yes", "/back", "yes", "purple", "/restart", "/help", "/nonsense"]).stdout
    assert "haven't recorded anything" in out
    assert out.count("Shall we begin?") >= 3  # start, back, restart
    assert "/forget" in out and "Unknown command /nonsense" in out


def test_emergency_answer_stops_the_check(tmp_path):
    out = chat(tmp_path, ["yes", "yes", "no"]).stdout
    assert "CALL EMERGENCY" in out.upper() and "112" in out
    assert "This check is finished" in out


def test_forget_erases_after_confirmation(tmp_path):
    out = chat(tmp_path, ["yes", "no", "/forget", "yes"]).stdout
    assert "everything stored about you is erased" in out
    again = chat(tmp_path, ["/summary"]).stdout
    assert "Welcome back" not in again
