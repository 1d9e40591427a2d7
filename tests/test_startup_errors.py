"""Start-up failures end with one line naming the setting, exit code 1, no traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import PG_URL, ROOT
from tests.e2e.emulator import Emulator
from tests.test_cli import cli as _cli
from tests.tmpfs import remount, tmpfs

TOKEN = "123456:SECRET-TOKEN-VALUE"
PG = PG_URL.rsplit("/", 1)[0]  # postgresql://user@host:port


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return _cli(*args, FLOWS_DIR=str(ROOT / "flows"), **env)


def one_clear_line(done: subprocess.CompletedProcess, setting: str) -> str:
    output = (done.stdout + done.stderr).strip()
    assert done.returncode == 1, output
    assert "Traceback" not in output and TOKEN not in output, output
    lines = output.splitlines()
    assert len(lines) == 1 and setting in lines[0], output
    return lines[0]


@pytest.mark.parametrize(
    ("url", "cause"),
    [
        ("postgresql://postgres@127.0.0.1:1/test", "Connection refused"),
        (f"{PG}/no_such_database", 'database "no_such_database" does not exist'),
        (PG_URL.replace("postgres@", "no_such_role@"), 'role "no_such_role" does not exist'),
        ("postgresql://postgres@no-such-host.invalid/test", "no-such-host.invalid"),
        ("sqlite:////proc/no/such/folder/bot.sqlite3", "cannot create the folder"),
        ("sqlite:///{tmp}", "is a folder"),
        ("sqlite:///{tmp}/notes.txt", "not an SQLite database"),
    ],
)
def test_a_database_that_cannot_be_used_is_one_line(tmp_path: Path, url: str, cause: str):
    (tmp_path / "notes.txt").write_text("not a database\n" * 100)
    done = cli("chat", cwd=tmp_path, DATABASE_URL=url.format(tmp=tmp_path))
    assert cause in one_clear_line(done, "DATABASE_URL")


def test_a_read_only_sqlite_file_is_one_line(tmp_path: Path):
    with tmpfs(tmp_path / "ro") as disk:
        url = f"sqlite:///{disk / 'bot.sqlite3'}"
        assert cli("chat", cwd=tmp_path, DATABASE_URL=url).returncode == 0  # creates it
        remount(disk, "ro")
        done = cli("chat", cwd=tmp_path, DATABASE_URL=url)
        assert "read-only" in one_clear_line(done, "DATABASE_URL")


def test_an_unreachable_telegram_server_is_one_line(tmp_path: Path):
    done = cli(
        "run",
        cwd=tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL="http://127.0.0.1:1/bot",
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
    )
    assert "cannot reach" in one_clear_line(done, "TELEGRAM_BASE_URL")


def test_a_rejected_token_is_one_line_and_never_logged(tmp_path: Path):
    with Emulator(token="654321:THE-RIGHT-ONE") as emulator:
        done = cli(
            "run",
            cwd=tmp_path,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_BASE_URL=emulator.base_url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        )
    assert "refused" in one_clear_line(done, "TELEGRAM_BOT_TOKEN")
