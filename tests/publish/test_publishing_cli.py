"""``python -m bot releases`` and ``python -m bot approve``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.channels.conversations import build_conversations
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    flows = tmp_path / "flows"
    flows.mkdir()
    shutil.copy(ROOT / "flows" / "nostril_twitch.yaml", flows)
    monkeypatch.setenv("FLOWS_DIR", str(flows))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    return flows


def test_releases_lists_each_published_version(setup: Path, capsys):
    assert main(["releases"]) == 0
    assert "no releases recorded yet" in capsys.readouterr().out
    build_conversations(load_settings()).store.close()
    path = setup / "nostril_twitch.yaml"
    path.write_text(path.read_text().replace("Hi! This check", "Hello! This check"))
    build_conversations(load_settings()).store.close()
    assert main(["releases", "nostril_twitch"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("#1 ") and "by startup from" in lines[0]
    assert lines[1].strip().startswith("first published version")
    assert lines[2].startswith("#2 ") and "0 with another outcome" in lines[3]


def test_approve_shows_the_diff_against_the_live_version_and_unlocks_it(setup: Path, capsys):
    assert main(["approve", "nostril_twitch", "--by", "Dr A"]) == 0
    assert "approved flow 'nostril_twitch'" in capsys.readouterr().out
    conversations = build_conversations(load_settings(require_approval=True))
    conversations.store.close()
    path = setup / "nostril_twitch.yaml"
    text = path.read_text()
    block = text[text.index("  - id: eye_closing") : text.index("  - id: numbness")]
    path.write_text(text.replace(block, block.replace("red_flag: urgent", "red_flag: routine")))
    assert main(["approve", str(path), "--by", "Dr A"]) == 1
    out = capsys.readouterr().out
    assert "LESS URGENT" in out and "error: some answers would get less urgent advice" in out
    assert main(["approve", str(path), "--by", "Dr A", "--accept-less-urgent"]) == 0
