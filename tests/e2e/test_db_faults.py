"""The database fails mid-run: people are told to try again shortly, nothing is lost.

PostgreSQL is reached through a TCP proxy the test controls (the shared server keeps
running); SQLite lives on a small tmpfs that the test fills up or remounts read-only.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.channels.telegram.texts import TRY_AGAIN_SHORTLY
from bot.flow import Flow
from tests.conftest import pg_schema
from tests.tmpfs import remount, tmpfs

from .chatters import answer_buttons
from .conftest import BotProcess
from .emulator import Emulator
from .tcp_proxy import TcpProxy
from .test_delivery import long_path

WAIT = 25.0


class Someone:
    """A person who presses an answer on the newest question and checks it was stored."""

    def __init__(self, emulator: Emulator, bot: BotProcess, chat_id: int, flow: Flow) -> None:
        self.emulator, self.bot, self.chat_id = emulator, bot, chat_id
        self.plan = dict(long_path(flow, 12))  # answers that keep the check going
        self.told = 0

    def starts(self) -> None:
        self.emulator.user_sends_text(self.chat_id, "/start")
        self.emulator.wait_for(self.newest, WAIT, "the first question")

    def newest(self) -> dict | None:
        asked = [m for m in self.emulator.messages(self.chat_id) if answer_buttons(m)]
        return asked[-1] if asked else None

    def presses(self) -> tuple[str, str]:
        """Answer the newest question as planned; return (question, option)."""
        message = self.newest()
        datas = [b["callback_data"] for b in answer_buttons(message)]
        question = datas[0].split(":")[2]
        data = next(d for d in datas if d.endswith(f":{self.plan[question]}"))
        self.emulator.user_presses(self.chat_id, message["message_id"], data)
        return question, self.plan[question]

    def stored(self, answer: tuple[str, str]) -> bool:
        session = self.bot.session(self.chat_id)
        return session is not None and session["answers"].get(answer[0]) == answer[1]

    def wait_stored(self, answer: tuple[str, str], timeout: float = WAIT) -> None:
        self.emulator.wait_for(lambda: self.stored(answer), timeout, f"{answer} stored")

        def asked_next() -> bool:
            newest = self.newest()
            return newest is not None and f":{answer[0]}:" not in str(newest["reply_markup"])

        self.emulator.wait_for(asked_next, timeout, "the next question")

    def wait_told_to_try_again(self) -> None:
        def told() -> bool:
            texts = [m["text"] for m in self.emulator.messages(self.chat_id)]
            return texts.count(TRY_AGAIN_SHORTLY) > self.told

        self.emulator.wait_for(told, WAIT, "'try again shortly'")
        self.told += 1


@pytest.fixture
def pg_proxy_url() -> Iterator[tuple[str, str, TcpProxy]]:
    """(URL through the proxy, direct URL, proxy) for a fresh PostgreSQL schema."""
    with pg_schema() as direct:
        url = make_url(direct)
        proxy = TcpProxy(url.port or 5432, url.host or "127.0.0.1").start()
        through = url.set(host="127.0.0.1", port=proxy.port)
        try:
            yield through.render_as_string(hide_password=False), direct, proxy
        finally:
            proxy.stop()


def test_postgresql_unreachable_hanging_or_locked_mid_run(
    emulator: Emulator, tmp_path: Path, pg_proxy_url: tuple[str, str, TcpProxy], flow: Flow
):
    url, direct, proxy = pg_proxy_url
    bot = BotProcess(emulator, tmp_path, url)
    try:
        bot.start()
        ann, bob = Someone(emulator, bot, 9301, flow), Someone(emulator, bot, 9302, flow)
        ann.starts()
        bob.starts()

        # Unreachable: told to try again shortly; answered, nothing lost, once it is back.
        proxy.set_mode("refuse")
        answer = ann.presses()
        ann.wait_told_to_try_again()
        proxy.set_mode("pass")
        ann.wait_stored(answer)

        # Hanging (packets swallowed): the same, after the transaction deadline.
        proxy.set_mode("hang")
        answer = ann.presses()
        ann.wait_told_to_try_again()
        proxy.set_mode("pass")
        ann.wait_stored(answer)

        # One person's stall (their row locked elsewhere) does not hold up the others.
        engine = create_engine(direct.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            conn.execute(
                text("SELECT 1 FROM sessions WHERE person = :p FOR UPDATE"),
                {"p": bot.person(ann.chat_id)},
            )
            stalled = ann.presses()
            time.sleep(0.5)
            began = time.monotonic()
            served = bob.presses()
            bob.wait_stored(served, timeout=5)
            assert time.monotonic() - began < 5 and not ann.stored(stalled)
            conn.rollback()
        engine.dispose()
        ann.wait_stored(stalled)
        bot.wait_settled(WAIT)
        bot.terminate()
    finally:
        bot.cleanup()
    assert not bot.error_lines(), bot.error_lines()


def test_sqlite_disk_full_or_read_only_mid_run(emulator: Emulator, tmp_path: Path, flow: Flow):
    disk = tmp_path / "disk"
    with tmpfs(disk):
        bot = BotProcess(emulator, tmp_path, f"sqlite:///{disk / 'bot.sqlite3'}")
        bot.extra_env["LOG_LEVEL"] = "DEBUG"
        try:
            bot.start()
            ann = Someone(emulator, bot, 9401, flow)
            ann.starts()

            # Disk full: told to try again; answered once there is room again.
            filler = disk / "filler"
            subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)
            answer = ann.presses()
            ann.wait_told_to_try_again()
            filler.unlink()
            ann.wait_stored(answer)

            # Read-only: a running bot keeps its open file, so the file system turns
            # read-only while the bot is down (remounting needs no open files). Start-up
            # then refuses in one line; once writable, the answer given meanwhile counts.
            bot.kill()
            answer = ann.presses()
            remount(disk, "ro")
            refused = subprocess.run(
                [sys.executable, "-m", "bot", "run"], env=bot.env, capture_output=True, text=True
            )
            assert refused.returncode == 1 and "read-only" in refused.stderr, refused.stderr
            assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
            remount(disk, "rw")
            bot.start()
            ann.wait_stored(answer)
            bot.wait_settled(WAIT)
            bot.terminate()
        finally:
            bot.cleanup()
    assert not bot.error_lines(), bot.error_lines()
