"""Webhook mode refuses to start without its settings: one line naming the setting."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"WEBHOOK_URL": "https://x.example/hook"}, "error: WEBHOOK_SECRET: is not set"),
        (
            {"WEBHOOK_URL": "https://x.example/hook", "WEBHOOK_SECRET": "no spaces allowed"},
            "WEBHOOK_SECRET: use 1-256 characters",
        ),
    ],
)
def test_missing_or_bad_webhook_settings_stop_start_up(tmp_path, extra, expected):
    env = {
        "PATH": "/usr/bin:/bin",
        "TELEGRAM_BOT_TOKEN": "123456:TEST",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        **extra,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--webhook"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr and "TEST" not in done.stderr
