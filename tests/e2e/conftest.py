"""Fixtures for end-to-end tests against the Telegram Bot API emulator."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bot.channels.telegram.person_keys import bot_id_of, person_key

from .emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]
FLOWS_DIR = ROOT / "flows"
START_TIMEOUT = 20.0  # generous: a cold interpreter on a busy CI machine
STOP_TIMEOUT = 5.0  # a graceful stop must be quick
# Log lines that mean the bot hit something unexpected; tests that provoke them opt out.
_ERROR_MARKS = (" ERROR ", " CRITICAL ", "Traceback (most recent call last)")


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A started emulator; fails the test if the emulator itself hit an internal error."""
    emu = Emulator().start()
    try:
        yield emu
    finally:
        emu.stop()
    if emu.errors:
        pytest.fail(f"Telegram emulator internal errors: {emu.errors}")


class BotProcess:
    """The real bot (``python -m bot run``) long-polling the emulator, on a temp SQLite file.

    stdout and stderr of every run (restarts included) go to one log file, each run headed
    by a ``----- bot run #N -----`` line.
    """

    def __init__(self, emulator: Emulator, workdir: Path, database_url: str | None = None) -> None:
        self.emulator = emulator
        self.workdir = workdir
        self.database_url = database_url or f"sqlite:///{workdir / 'bot.sqlite3'}"
        self.db_path = Path(self.database_url.removeprefix("sqlite:///"))
        self.extra_env: dict[str, str] = {}
        self.log_path = workdir / "bot.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.runs = 0
        self.allow_errors = False  # set by tests that expect ERROR lines in the log

    # ------------------------------------------------------------------ lifecycle
    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            TELEGRAM_BOT_TOKEN=self.emulator.token,
            TELEGRAM_BASE_URL=self.emulator.base_url,
            DATABASE_URL=self.database_url,
            FLOWS_DIR=str(FLOWS_DIR),
            DEFAULT_FLOW="nostril_twitch",
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout: float = START_TIMEOUT) -> BotProcess:
        """Spawn the bot and wait until it long-polls (setMyCommands, then getUpdates)."""
        assert not self.running, "the bot is already running"
        self.runs += 1
        mark = len(self.emulator.calls)
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(f"----- bot run #{self.runs} -----\n")
            log.flush()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        proc = self.proc

        def polling() -> bool:
            if proc.poll() is not None:
                raise AssertionError(
                    f"the bot exited with code {proc.returncode} while starting:\n{self.log}"
                )
            names = [name for name, _ in self.emulator.calls[mark:]]
            return (
                "setMyCommands" in names and "getUpdates" in names[names.index("setMyCommands") :]
            )

        self.emulator.wait_for(polling, timeout, "the bot to start long polling")
        return self

    def kill(self) -> int:
        """SIGKILL: no shutdown code runs, like a crash or an OOM kill. Returns the exit code."""
        assert self.proc is not None and self.running, "the bot is not running"
        self.proc.send_signal(signal.SIGKILL)
        return self.proc.wait(STOP_TIMEOUT)

    def terminate(self, timeout: float = STOP_TIMEOUT) -> float:
        """SIGTERM; assert a clean exit (code 0) within ``timeout``; return the seconds taken."""
        assert self.proc is not None and self.running, "the bot is not running"
        began = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"the bot ignored SIGTERM for {timeout}s:\n{self.log}") from None
        assert code == 0, f"the bot exited with code {code} after SIGTERM:\n{self.log}"
        return time.monotonic() - began

    def restart(self) -> BotProcess:
        """Start again on the same database (SIGKILL first if it is still running)."""
        if self.running:
            self.kill()
        return self.start()

    def cleanup(self) -> None:
        """Stop whatever is still running: SIGTERM, then SIGKILL if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    # ------------------------------------------------------------------ inspection
    @property
    def log(self) -> str:
        """Everything the bot wrote to stdout/stderr so far, all runs."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def log_lines(self, substring: str) -> list[str]:
        return [line for line in self.log.splitlines() if substring in line]

    def wait_for_log(self, substring: str, count: int = 1, timeout: float = 10.0) -> list[str]:
        """Wait until ``count`` log lines contain ``substring``; return them."""
        deadline = time.monotonic() + timeout
        while len(lines := self.log_lines(substring)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {substring!r} in the bot log")
            time.sleep(0.02)
        return lines

    def error_lines(self) -> list[str]:
        return [line for line in self.log.splitlines() if any(m in line for m in _ERROR_MARKS)]

    def query(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """Rows of a query on the bot's database ([] before the bot created its tables)."""
        if self.database_url.startswith("sqlite") and not self.db_path.exists():
            return []
        engine = create_engine(self.database_url.replace("postgresql://", "postgresql+psycopg://"))
        try:
            with engine.connect() as conn:
                return [tuple(row) for row in conn.execute(text(sql), params)]
        except OperationalError as exc:
            if "no such table" in str(exc):
                return []
            raise
        finally:
            engine.dispose()

    def person(self, chat_id: int) -> str:
        """The store key of a private chat with this bot."""
        return person_key(bot_id_of(self.emulator.token), chat_id)

    def session(self, chat_id: int) -> dict[str, Any] | None:
        """The stored session of a private chat (its JSON plus ``row_version``), or None."""
        rows = self.query(
            "SELECT data, row_version FROM sessions WHERE person = :p", p=self.person(chat_id)
        )
        return None if not rows else {**json.loads(rows[0][0]), "row_version": rows[0][1]}

    def backlog(self) -> tuple[int, int]:
        """(unprocessed updates in the inbox, undelivered messages in the outbox)."""
        inbox = self.query("SELECT count(*) FROM inbox WHERE processed_at IS NULL")
        outbox = self.query("SELECT count(*) FROM outbox")
        return (inbox[0][0] if inbox else 0, outbox[0][0] if outbox else 0)

    def wait_settled(self, timeout: float = 10.0) -> None:
        """Wait until everything fetched was processed and every reply delivered."""
        deadline = time.monotonic() + timeout
        # Pending first: once Telegram has nothing unconfirmed, all of it is in the inbox
        # (stored before confirming), so an empty backlog after that means done.
        while self.emulator.pending_updates or self.backlog() != (0, 0):
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot did not settle: backlog {self.backlog()}")
            time.sleep(0.05)


_BOT = pytest.StashKey[BotProcess]()


@pytest.fixture
def bot_process(emulator: Emulator, tmp_path: Path, request: pytest.FixtureRequest):
    """The real bot, started and polling; stopped (and checked for logged errors) afterwards."""
    bot = BotProcess(emulator, tmp_path)
    request.node.stash[_BOT] = bot
    try:
        bot.start()
        yield bot
    finally:
        bot.cleanup()
    if errors := [] if bot.allow_errors else bot.error_lines():
        pytest.fail("the bot logged errors:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def bot_on(emulator: Emulator, tmp_path: Path, database_url: str, request: pytest.FixtureRequest):
    """A not yet started bot on each backend (SQLite file, PostgreSQL schema)."""
    bot = BotProcess(emulator, tmp_path, database_url)
    request.node.stash[_BOT] = bot
    try:
        yield bot
    finally:
        bot.cleanup()
    if errors := [] if bot.allow_errors else bot.error_lines():
        pytest.fail("the bot logged errors:\n" + "\n".join(errors), pytrace=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Attach the bot's log to every failed phase of a test that used ``bot_process``."""
    outcome = yield
    report = outcome.get_result()
    bot = item.stash.get(_BOT, None)
    if bot is not None and report.failed:
        report.sections.append((f"bot process log ({bot.log_path})", bot.log or "(empty)"))
