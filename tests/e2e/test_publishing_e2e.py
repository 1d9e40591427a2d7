"""Publishing without restarts, over the Bot API emulator: the real bot notices edited flow
files, gates them, tells the admin, and keeps serving people who are halfway."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from bot.flow import check_flow_text
from bot.store.releases import Releases
from tests.publish.stories import STORIES

from .conftest import ROOT, BotProcess
from .emulator import Emulator

ADMIN = 7100
PERSON = 7200
STRANGER = 7300
WAIT = 15.0


@pytest.fixture
def flows(tmp_path: Path) -> Path:
    folder = tmp_path / "flows"
    (folder / "tests").mkdir(parents=True)
    shutil.copy(ROOT / "flows" / "nostril_twitch.yaml", folder)
    (folder / "tests" / "nostril_twitch.yaml").write_text(STORIES)
    shutil.copy(Path(__file__).parent / "second_flow.yaml", folder / "second_check.yaml")
    return folder


@pytest.fixture
def bot(emulator: Emulator, tmp_path: Path, flows: Path, request: pytest.FixtureRequest):
    bot = BotProcess(emulator, tmp_path)
    bot.extra_env.update(
        FLOWS_DIR=str(flows), ADMIN_IDS=f"{ADMIN}, 7101", FLOW_WATCH_DEBOUNCE_MS="50"
    )
    try:
        bot.start()
        yield bot
    finally:
        bot.cleanup()
    assert not bot.error_lines(), bot.log


def edit(flows: Path, old: str, new: str) -> None:
    path = flows / "nostril_twitch.yaml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def question_of(message: dict[str, Any]) -> str | None:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    data = [b.get("callback_data", "") for row in rows for b in row]
    return data[0].split(":")[2] if data and data[0].startswith("a:") else None


def wait_question(emulator: Emulator, chat: int, qid: str) -> dict[str, Any]:
    return emulator.wait_for(
        lambda: next((m for m in emulator.messages(chat) if question_of(m) == qid), None),
        WAIT,
        f"question {qid}",
    )


def halfway(emulator: Emulator) -> None:
    """The person answers up to the 'drooping' question."""
    emulator.user_sends_text(PERSON, "/start")
    wait_question(emulator, PERSON, "consent")
    for label, then in (("Yes", "emergency_signs"), ("No", "face_weakness"), ("No", "drooping")):
        emulator.user_presses_button(PERSON, label)
        wait_question(emulator, PERSON, then)


def test_an_edit_removing_the_current_question_reaches_a_person_halfway_then_a_rollback(
    emulator: Emulator, bot: BotProcess, flows: Path
):
    halfway(emulator)
    first = bot.session(PERSON)["flow_version"]
    # The editor removes the question the person has on screen. That makes the advice less
    # urgent for people with a drooping face: refused until a clinician signs it off.
    path = flows / "nostril_twitch.yaml"
    text = path.read_text()
    block = text[text.index("  - id: drooping") : text.index("  - id: eye_closing")]
    text = text.replace(block, "").replace("    next: drooping", "    next: eye_closing")
    path.write_text(text)
    refused = emulator.wait_for_text(ADMIN, "NOT published", WAIT)
    assert "LESS URGENT" in refused["text"]
    # The admin tries the refused version in Telegram (by its deep link), apart from their
    # real session.
    emulator.user_sends_text(ADMIN, "/start preview-nostril_twitch")
    emulator.wait_for_text(ADMIN, "not published", WAIT)
    wait_question(emulator, ADMIN, "consent")
    for label, then in (("Yes", "emergency_signs"), ("No", "face_weakness"), ("No", "eye_closing")):
        emulator.user_presses_button(ADMIN, label)
        wait_question(emulator, ADMIN, then)  # no drooping question in this version
    assert bot.session(ADMIN) is None
    emulator.user_sends_text(ADMIN, "/stats")  # admin commands still work in a preview
    emulator.wait_for_text(ADMIN, "Checks (all time)", WAIT)
    emulator.user_sends_text(ADMIN, "/preview off")
    emulator.wait_for_text(ADMIN, "Preview ended", WAIT)
    started = bot.query("SELECT count(*) FROM check_events WHERE kind = 'started'")
    assert started == [(1,)]  # the person's check only: previews are not counted
    Releases(create_engine(bot.database_url)).approve(
        "nostril_twitch", check_flow_text(text, "x")[0].version, "Dr A", ""
    )
    emulator.user_sends_text(ADMIN, "/reload")
    published = emulator.wait_for_text(ADMIN, "published flow 'nostril_twitch'", WAIT)
    assert "less urgent" in published["text"]
    emulator.wait_for_text(7101, "published flow 'nostril_twitch'", WAIT)  # other admins too
    # Their old button does not strand them: the next question comes.
    emulator.user_presses_button(PERSON, "No")
    wait_question(emulator, PERSON, "eye_closing")
    session = bot.session(PERSON)
    assert session["flow_version"] != first and session["state"] == "eye_closing"
    assert session["answers"] == {
        "consent": "agree",
        "emergency_signs": "no",
        "face_weakness": "no",
    }
    assert [m["from_version"] for m in session["migrations"]] == [first]

    emulator.user_sends_text(ADMIN, "/rollback")
    rolled = emulator.wait_for_text(ADMIN, "Rolled back", WAIT)
    assert f"version {first}" in rolled["text"]
    rows = bot.query(
        "SELECT version, withdrawn_at FROM flow_releases WHERE flow_id = :f ORDER BY id",
        f="nostril_twitch",
    )
    assert [r[0] for r in rows] == [first, session["flow_version"], first]
    assert rows[1][1] is not None
    # The person goes on, now on the restored version (which asks about drooping again).
    emulator.user_presses_button(PERSON, "No")
    wait_question(emulator, PERSON, "drooping")
    # A restart does not bring the rolled-back version back; the admins hear why.
    bot.wait_settled()
    bot.terminate()
    notices = len([m for m in emulator.messages(ADMIN) if "was rolled back" in m["text"]])
    bot.start()
    emulator.wait_for(
        lambda: (
            len([m for m in emulator.messages(ADMIN) if "was rolled back" in m["text"]]) > notices
        ),
        WAIT,
        "the start-up report",
    )
    emulator.user_presses_button(PERSON, "No")
    wait_question(emulator, PERSON, "eye_closing")
    assert bot.session(PERSON)["flow_version"] == first


def test_a_broken_file_reaches_the_admin_while_people_keep_being_served(
    emulator: Emulator, bot: BotProcess, flows: Path
):
    halfway(emulator)
    edit(flows, "start: consent", "start: [consent")
    refused = emulator.wait_for_text(ADMIN, "NOT published", WAIT)
    assert f"{flows / 'nostril_twitch.yaml'}:" in refused["text"]
    assert "what served before keeps serving" in refused["text"]
    emulator.user_presses_button(PERSON, "No")
    wait_question(emulator, PERSON, "eye_closing")
    # Someone who is not an admin gets the normal reply to an unknown command.
    emulator.user_sends_text(STRANGER, "/reload")
    emulator.wait_for_text(STRANGER, "I don't know that command", WAIT)
    # The admin fixes the file: it goes live.
    edit(flows, "start: [consent", "start: consent")
    edit(flows, "Hi! This check", "Hello! This check")
    emulator.wait_for_text(ADMIN, "published flow 'nostril_twitch'", WAIT)
    emulator.user_sends_text(ADMIN, "/reload")
    emulator.wait_for_text(ADMIN, "Nothing to publish", WAIT)
    emulator.user_sends_text(ADMIN, "/stats")
    stats = emulator.wait_for_text(ADMIN, "Checks (all time)", WAIT)
    assert "started 1, finished 0" in stats["text"] and "  drooping: 1," in stats["text"]
    emulator.user_sends_text(STRANGER, "/start preview-nostril_twitch")  # just a /start
    emulator.wait_for_text(STRANGER, "Shall we begin?", WAIT)
    emulator.user_sends_text(STRANGER, "/stats")
    emulator.wait_for(
        lambda: (
            len([m for m in emulator.messages(STRANGER) if "know that command" in m["text"]]) == 2
        ),
        WAIT,
        "the unknown-command reply",
    )

    # A deep link to another flow mid-check asks before dropping the check.
    emulator.user_sends_text(PERSON, "/start second_check")
    asked = emulator.wait_for_text(PERSON, "You are in the middle of", WAIT)
    assert "Start “Second check” instead?" in asked["text"]
    emulator.user_presses_button(PERSON, "Keep my check")
    emulator.wait_for_text(PERSON, "Your answers so far", WAIT)
    assert bot.session(PERSON)["answers"]["drooping"] == "no"
    emulator.user_sends_text(PERSON, "/start second_check")
    emulator.wait_for(
        lambda: len([m for m in emulator.messages(PERSON) if "in the middle of" in m["text"]]) == 2,
        WAIT,
        "the second switch question",
    )
    emulator.user_presses_button(PERSON, "Start “Second check”")
    emulator.wait_for_text(PERSON, "A short second check", WAIT)
    assert bot.session(PERSON)["flow_id"] == "second_check"
    bot.wait_settled()
