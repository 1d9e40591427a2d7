"""Real bot processes in webhook mode on loopback, and delivering updates to them as Telegram
would: POST with the secret token header."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from .conftest import ROOT, START_TIMEOUT, BotProcess
from .emulator import Emulator

SECRET = "e2e-webhook-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WebhookBot(BotProcess):
    """``python -m bot run --webhook`` on a port of its own, sharing the emulator and database."""

    def __init__(self, emulator: Emulator, workdir: Path, database_url: str, name: str) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        super().__init__(emulator, workdir, database_url)
        self.log_path = workdir / f"{name}.log"
        self.port = free_port()
        self.extra_env.update(
            WEBHOOK_URL="https://bot.example.org/telegram",
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(self.port),
            WEBHOOK_SECRET=SECRET,
        )

    def start(self, timeout: float = START_TIMEOUT) -> WebhookBot:
        """Spawn the bot and wait until its health endpoint answers 200."""
        assert not self.running, "the bot is already running"
        self.runs += 1
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(f"----- bot run #{self.runs} -----\n")
            log.flush()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--webhook"],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"the bot exited while starting:\n{self.log}")
            try:
                if self.get("/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            assert time.monotonic() < deadline, f"the webhook never answered:\n{self.log}"
            time.sleep(0.1)

    def get(self, path: str) -> tuple[int, str]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
            return r.status, r.read().decode()

    def post(self, update: dict[str, Any], secret: str = SECRET) -> int:
        """Deliver one update as Telegram does; return the HTTP status."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/telegram",
            data=json.dumps(update).encode(),
            headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
