"""/forget over the emulator: afterwards the SQLite file and its WAL hold no trace."""

from __future__ import annotations

import time
from pathlib import Path

from .conftest import BotProcess
from .emulator import Emulator
from .person import AGREE, WAIT, Person, settle

CHAT_ID = 6_120_457_338


def traces(db_path: Path, needles: list[bytes]) -> dict[str, list[bytes]]:
    """Which needles each file of the database (main file, -wal) still contains."""
    found = {}
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        data = path.read_bytes() if path.exists() else b""
        found[path.name] = [n for n in needles if n in data]
    return found


def test_forget_leaves_no_trace_in_the_sqlite_file_or_wal(
    emulator: Emulator, bot_process: BotProcess
):
    emulator.set_profile(CHAT_ID, first_name="Zephyrine", username="zeph_q_private")
    person = Person(emulator, bot_process, CHAT_ID)
    person.starts()
    person.walk([("consent", AGREE), ("emergency_signs", "No")])
    person.says("Marmaladequokka", expect=2)  # not understood: asked again
    person.answer("face_weakness", "No")
    settle(emulator, bot_process)
    # The raw updates (name, username, typed words) were stored until processed; the
    # session holds the chat id and the answers.
    needles = [str(CHAT_ID).encode(), b'"emergency_signs"', b'"face_weakness"']
    needles += [b"Zephyrine", b"zeph_q_private", b"Marmaladequokka"]
    before = traces(bot_process.db_path, needles)
    assert any(before.values()), "the test looks for the wrong bytes"

    (confirm,) = person.says("/forget")
    person.press("Yes, erase everything", message_id=confirm["message_id"], expect=0)
    emulator.wait_for_text(CHAT_ID, "has been erased", WAIT)
    settle(emulator, bot_process)
    deadline = time.monotonic() + WAIT
    while any((left := traces(bot_process.db_path, needles)).values()):
        assert time.monotonic() < deadline, f"still stored after /forget: {left}"
        time.sleep(0.1)
    assert person.session() is None
