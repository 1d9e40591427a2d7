"""The command line contract: validate, run without a token, bad settings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tests.conftest import FLOW_PATH, ROOT
from tests.flow.test_flow_loader import GOOD


def cli(*args: str, cwd=ROOT, **env: str | None) -> subprocess.CompletedProcess:
    """Run ``python -m bot``; an env value of None removes that variable."""
    full_env = {**os.environ, "TELEGRAM_BOT_TOKEN": "", **env}
    full_env = {key: value for key, value in full_env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=60,
    )


def test_validate_the_shipped_flows():
    done = cli("validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "nostril_twitch" in done.stdout and "safety check passed" in done.stdout


def test_validate_prints_every_problem_with_its_position(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        GOOD.replace("    prompt: Tired?", "    promt: Tired?").replace("next: q2}", "next: q3}")
    )
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    done = cli("validate", str(bad), str(good))
    assert done.returncode == 1
    assert f"{bad}:17:5: error: unknown key 'promt'" in done.stdout
    assert "hint: did you mean 'prompt'?" in done.stdout
    assert f"{good}: ok" in done.stdout


def test_run_without_a_token_says_what_is_missing(tmp_path):
    done = cli("run", cwd=tmp_path)
    assert done.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in done.stderr


def test_a_bad_setting_stops_start_up_naming_it(tmp_path):
    done = cli("chat", cwd=tmp_path, SESSION_TTL_DAYS="soon", ADMIN_IDS="12,bob")
    assert done.returncode == 2
    assert "SESSION_TTL_DAYS" in done.stderr and "ADMIN_IDS" in done.stderr


def test_a_bad_token_shape_is_named(tmp_path):
    done = cli("run", cwd=tmp_path, TELEGRAM_BOT_TOKEN="not-a-token")
    assert done.returncode == 2 and "TELEGRAM_BOT_TOKEN" in done.stderr


def test_settings_come_from_a_dot_env_file(tmp_path):
    (tmp_path / ".env").write_text("DATABASE_URL=mysql://nope\n")
    done = cli("chat", cwd=tmp_path)
    assert done.returncode == 2 and "DATABASE_URL" in done.stderr


def test_chat_with_a_broken_flows_dir_explains(tmp_path):
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "x.yaml").write_text("id: [\n")
    done = cli("chat", cwd=tmp_path, FLOWS_DIR=str(tmp_path / "flows"))
    assert done.returncode == 2 and "x.yaml:" in done.stderr


def test_test_flows_runs_the_stories_and_reports_coverage():
    done = subprocess.run(
        [sys.executable, "-m", "bot", "test-flows"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 failed; under-triage 0" in done.stdout
    assert "coverage of flows/nostril_twitch.yaml" in done.stdout
    assert "not exercised" not in done.stdout


def test_test_flows_fails_on_a_wrong_expectation_and_names_it(tmp_path):
    flows = tmp_path / "flows"
    (flows / "tests").mkdir(parents=True)
    (flows / "nostril_twitch.yaml").write_text(FLOW_PATH.read_text("utf-8"), "utf-8")
    (flows / "tests" / "t.yaml").write_text(
        "flow: nostril_twitch\nscenarios:\n"
        "  - {name: wrong tier, answers: {drooping: 'yes'}, expect: self_care}\n",
        "utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "test-flows"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "FLOWS_DIR": str(flows)},
    )
    assert done.returncode == 1
    assert "FAIL wrong tier" in done.stdout
    assert "ended in 'see_doctor_soon', expected 'self_care'" in done.stdout
    assert "answer 'decline' of 'consent'" in done.stdout  # not exercised, located


def test_start_chats_when_the_env_token_is_only_a_comment(tmp_path):
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN= # none yet\n")
    db = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    done = cli("start", cwd=tmp_path, DATABASE_URL=db, FLOWS_DIR=str(ROOT / "flows"))
    assert done.returncode == 0 and "No TELEGRAM_BOT_TOKEN set" in done.stdout


def test_start_uses_telegram_for_an_exported_token_in_env(tmp_path):
    (tmp_path / ".env").write_text(
        "export TELEGRAM_BOT_TOKEN=123:abcdef\nTELEGRAM_BASE_URL=http://127.0.0.1:1/bot\n"
    )
    db = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    flows = str(ROOT / "flows")
    done = cli("start", cwd=tmp_path, DATABASE_URL=db, FLOWS_DIR=flows, TELEGRAM_BOT_TOKEN=None)
    assert done.returncode == 1 and "cannot reach http://127.0.0.1:1/bot" in done.stderr
    assert "abcdef" not in done.stdout + done.stderr


def test_the_terminal_chat_survives_a_non_utf8_terminal(tmp_path):
    db = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--person", "ascii"],
        input="yes\n/quit\n",
        capture_output=True,
        text=True,
        encoding="ascii",
        errors="replace",
        cwd=tmp_path,
        timeout=60,
        env={
            **os.environ,
            "PYTHONIOENCODING": "ascii",
            "LC_ALL": "C",
            "DATABASE_URL": db,
            "FLOWS_DIR": str(ROOT / "flows"),
            "TELEGRAM_BOT_TOKEN": "",
        },
    )
    assert done.returncode == 0, done.stderr
    assert "Goodbye" in done.stdout


def test_make_refuses_a_missing_or_old_python_without_leaving_a_venv(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("")
    done = subprocess.run(
        ["make", "test", "PYTHON=no-such-python3"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode != 0 and "PYTHON=" in done.stderr
    assert not (tmp_path / ".venv").exists()


def test_a_broken_second_flow_is_reported_and_the_default_still_serves(tmp_path):
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "nostril_twitch.yaml").write_text(FLOW_PATH.read_text("utf-8"), "utf-8")
    (flows / "other.yaml").write_text("id: other\nquestions: [\n", "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="/quit\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "FLOWS_DIR": str(flows), "TELEGRAM_BOT_TOKEN": ""},
    )
    assert done.returncode == 0, done.stderr
    assert "Shall we begin?" in done.stdout  # the default flow serves
    assert "flow not loaded: " in done.stderr and "other.yaml:" in done.stderr


def test_an_empty_flows_dir_says_so(tmp_path):
    (tmp_path / "flows").mkdir()
    done = cli("chat", cwd=tmp_path, FLOWS_DIR=str(tmp_path / "flows"))
    assert done.returncode == 2
    assert "no flow files in" in done.stderr
